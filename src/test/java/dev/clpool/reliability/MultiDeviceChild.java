package dev.clpool.reliability;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.opencl.ClFaults;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.OpenClDevices;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.spi.DeviceShare;
import dev.clpool.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jocl.CL;

/**
 * Run by {@link MultiDeviceTest} in a child JVM whose {@code POCL_DEVICES} gives PoCL several devices,
 * all of which it opens as one Clpool. {@code share SEED}: prints a digest of every workload result and of
 * a pooling large enough to be split, then each device's share. {@code fault SEED}: fails one kernel
 * launch of a split pooling and prints how the call failed, whether the input kept its values, and a
 * digest of the next call.
 */
public final class MultiDeviceChild {
    private MultiDeviceChild() {
    }

    /** Large enough for several chunks of at least a MiB on each of two devices. */
    static Tensor splitInput(long seed) {
        return Workload.hostile(new Random(seed), 16, 64, 64, 64);
    }

    static final AdaptivePool SPLIT_OP = AdaptivePool.max2d(OutputSize.of(7, 5), true);

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[1]);
        List<String> pocl = OpenClDevices.list().stream().filter(d -> d.platformName().startsWith("Portable"))
                .map(DeviceInfo::index).toList();
        DeviceSelector several = DeviceSelector.parse(String.join(",", pocl));
        try (Clpool clpool = Clpool.open(several, OpenClOptions.defaults())) {
            System.out.println("devices " + clpool.openClDevices().size() + " " + clpool.device());
            Tensor input = splitInput(seed);
            if (args[0].equals("share")) {
                List<Workload.Job> jobs = Workload.jobs(seed);
                for (int i = 0; i < jobs.size(); i++) {
                    System.out.println("result " + i + " " + NoOpenClChild.digest(jobs.get(i).run(clpool, Workload.Api.HOST)));
                }
                var split = clpool.pool(input, SPLIT_OP);
                System.out.println("split " + NoOpenClChild.digest(Workload.Outcome.of(split.values(), split.indices())));
                for (DeviceShare share : clpool.shares()) {
                    System.out.println("share " + share.chunks() + " " + share.bytes() + " " + share.device());
                }
                return;
            }
            float[] before = input.floats().clone();
            ClFaults.Trace<Object> trace = ClFaults.run(ClFaults.Rule.nth("clEnqueueNDRangeKernel", 3, CL.CL_OUT_OF_RESOURCES),
                    () -> clpool.pool(input, SPLIT_OP));
            System.out.println("failed " + (trace.thrown() == null ? "no" : trace.thrown().getClass().getSimpleName() + ": "
                    + trace.thrown().getMessage()));
            System.out.println("input unchanged " + Arrays.equals(before, input.floats()));
            var next = clpool.pool(input, SPLIT_OP);
            System.out.println("split " + NoOpenClChild.digest(Workload.Outcome.of(next.values(), next.indices())));
        }
    }
}
