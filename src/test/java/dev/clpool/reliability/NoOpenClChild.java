package dev.clpool.reliability;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Run by {@link NoOpenClTest} in a child JVM whose OpenCL loader finds no platform. {@code auto SEED}:
 * opens the default engine twice and prints the device and a digest of each workload result;
 * {@code explicit}: asks for OpenCL in every explicit form and prints how each is refused.
 */
public final class NoOpenClChild {
    private NoOpenClChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("auto")) {
            try (Clpool first = Clpool.open(); Clpool second = Clpool.open(DeviceSelector.auto())) {
                System.out.println("device " + first.device() + " opencl=" + first.isOpenCl());
                System.out.println("device " + second.device() + " opencl=" + second.isOpenCl());
                List<Workload.Job> jobs = Workload.jobs(Long.parseLong(args[1]));
                for (int i = 0; i < jobs.size(); i++) {
                    System.out.println("result " + i + " " + digest(jobs.get(i).run(first, Workload.Api.HOST)));
                }
            }
            return;
        }
        for (String spec : List.of("opencl", "0:0", "pthread", "NVIDIA")) {
            refusal("open(\"" + spec + "\")", () -> Clpool.open(spec));
        }
        System.setProperty(DeviceSelector.PROPERTY, "opencl");
        refusal("open() with -Dclpool.device=opencl", Clpool::open);
        System.clearProperty(DeviceSelector.PROPERTY);
        try (Clpool java = Clpool.open("cpu")) {
            System.out.println("cpu " + java.device() + " opencl=" + java.isOpenCl());
        }
    }

    private static void refusal(String what, java.util.concurrent.Callable<Clpool> open) {
        try (Clpool c = open.call()) {
            System.out.println("accepted " + what + ": " + c.device());
        } catch (Exception e) {
            System.out.println("refused " + what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** SHA-256 of a job's outcome: its shapes, value bits (NaN made one) and indices. */
    static String digest(Workload.Outcome o) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer b = ByteBuffer.allocate(8);
        for (long v : o.values()) {
            sha.update(b.clear().putLong(v).array());
        }
        for (long i : o.indices()) {
            sha.update(b.clear().putLong(i).array());
        }
        return o.shapes() + " " + HexFormat.of().formatHex(sha.digest());
    }
}
