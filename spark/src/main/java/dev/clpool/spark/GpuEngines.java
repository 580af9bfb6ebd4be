package dev.clpool.spark;

import dev.clpool.Clpool;
import dev.clpool.opencl.DeviceInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One engine per OpenCL device behind the GPUs assigned to an executor, and which engine a task gets. */
final class GpuEngines implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuEngines.class);

    private final Map<String, Clpool> byAddress;
    private final List<Clpool> engines;

    private GpuEngines(Map<String, Clpool> byAddress, List<Clpool> engines) {
        this.byAddress = byAddress;
        this.engines = engines;
    }

    /**
     * Opens one engine per distinct device among {@code matches}; on a failure, closes those already open.
     *
     * @param open opens the engine of one device
     */
    static GpuEngines open(List<GpuAddresses.Match> matches, Function<DeviceInfo, Clpool> open) {
        Map<String, Clpool> byDevice = new LinkedHashMap<>();
        Map<String, Clpool> byAddress = new LinkedHashMap<>();
        try {
            for (GpuAddresses.Match m : matches) {
                LOG.info("clpool: {}", m.describe());
                byAddress.put(m.address(), byDevice.computeIfAbsent(m.device().index(), i -> open.apply(m.device())));
            }
        } catch (RuntimeException e) {
            byDevice.values().forEach(Clpool::close);
            throw e;
        }
        return new GpuEngines(byAddress, List.copyOf(byDevice.values()));
    }

    /**
     * The engine of a task: that of its first GPU where Spark assigned it some
     * ({@code spark.task.resource.gpu.amount}), else one chosen by partition, spreading tasks over the GPUs.
     */
    Clpool forTask(String[] taskGpus, int partitionId) {
        if (taskGpus != null && taskGpus.length > 0 && byAddress.containsKey(taskGpus[0])) {
            return byAddress.get(taskGpus[0]);
        }
        return engines.get(Math.floorMod(partitionId, engines.size()));
    }

    List<Clpool> engines() {
        return engines;
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Clpool engine : engines) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
