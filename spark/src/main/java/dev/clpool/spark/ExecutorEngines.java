package dev.clpool.spark;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.OpenClDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clpool engines of this JVM (an executor, or the driver in local mode), shared by all its task threads,
 * as a {@link Clpool} may be. {@link ClpoolPlugin} opens them when the executor starts and closes them when it
 * stops; without the plugin an engine is opened on first use and lives as long as the JVM.
 */
public final class ExecutorEngines {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngines.class);
    private static final Map<String, Clpool> BY_DEVICE = new ConcurrentHashMap<>();
    private static volatile GpuEngines gpus;

    private ExecutorEngines() {
    }

    /**
     * The engine for the running task: its GPU's where the executor was assigned GPUs and
     * {@code spark.clpool.device} is {@code auto}, else the engine of {@code spark.clpool.device}.
     */
    public static Clpool current() {
        GpuEngines g = gpus;
        if (g == null) {
            return forDevice(ClpoolConf.device());
        }
        TaskContext task = TaskContext.get();
        if (task == null) {
            return g.forTask(null, 0);
        }
        ResourceInformation taskGpus = task.resourcesJMap().get(ClpoolConf.GPU_RESOURCE);
        return g.forTask(taskGpus == null ? null : taskGpus.addresses(), task.partitionId());
    }

    /**
     * The engine a caller's device setting names: {@link #current()} for "" or {@code auto} (so GPU executors keep
     * their GPUs), else {@link #forDevice}.
     */
    public static Clpool select(String device) {
        return device.isBlank() || DeviceSelector.parse(device) instanceof DeviceSelector.Auto ? current() : forDevice(device);
    }

    /** The engine of a device ({@code auto}, {@code cpu}, {@code opencl}, {@code P:D}, a name), opened once per JVM. */
    public static Clpool forDevice(String device) {
        return BY_DEVICE.computeIfAbsent(device.strip().toLowerCase(Locale.ROOT), d -> {
            Clpool engine = Clpool.open(d);
            LOG.info("clpool: engine for device '{}' on {}", d, engine.device());
            return engine;
        });
    }

    /**
     * Opens this executor's engines: one per assigned GPU when {@code device} is {@code auto} and
     * {@code resources} has GPUs, else the engine of {@code device}.
     */
    static void open(String device, Map<String, ResourceInformation> resources) {
        List<String> assigned = gpusToOpen(device, resources);
        if (assigned.isEmpty()) {
            forDevice(device);
        } else {
            gpus = GpuEngines.open(GpuAddresses.match(assigned, OpenClDevices.list()), ExecutorEngines::openDevice);
        }
    }

    /** The GPU addresses to open an engine each for: those assigned to the executor when {@code device} is {@code auto}. */
    static List<String> gpusToOpen(String device, Map<String, ResourceInformation> resources) {
        ResourceInformation assigned = resources.get(ClpoolConf.GPU_RESOURCE);
        if (assigned == null || !(DeviceSelector.parse(device) instanceof DeviceSelector.Auto)) {
            return List.of();
        }
        return List.of(assigned.addresses());
    }

    private static Clpool openDevice(DeviceInfo device) {
        return Clpool.open(new DeviceSelector.Indexed(device.platformIndex(), device.deviceIndex()));
    }

    /** Every engine open in this JVM. */
    static List<Clpool> openEngines() {
        List<Clpool> all = new ArrayList<>(BY_DEVICE.values());
        GpuEngines g = gpus;
        if (g != null) {
            all.addAll(g.engines());
        }
        return all;
    }

    /** Closes every engine of this JVM; a later task opens its engine again. */
    static void closeAll() {
        GpuEngines g = gpus;
        gpus = null;
        try {
            if (g != null) {
                g.close();
            }
        } finally {
            for (String device : List.copyOf(BY_DEVICE.keySet())) {
                Clpool engine = BY_DEVICE.remove(device);
                if (engine != null) {
                    engine.close();
                    LOG.info("clpool: closed the engine for device '{}'", device);
                }
            }
        }
    }
}
