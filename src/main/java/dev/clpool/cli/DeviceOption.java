package dev.clpool.cli;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import picocli.CommandLine.Option;

/** {@code --device}: where pooling runs, by default what {@code clpool.device} / {@code CLPOOL_DEVICE} name, else auto. */
final class DeviceOption {
    static final String FORMS = "auto (a GPU, else any OpenCL device, else the Java path), cpu or java (the Java path), "
            + "opencl (the automatic OpenCL choice, failing without OpenCL), P:D (platform P, device D, as 'devices' "
            + "lists them), part of a device name, gpus (every OpenCL GPU) or several OpenCL devices "
            + "separated by commas (0:0,0:1), which share each call's planes";

    @Option(names = "--device", paramLabel = "DEVICE", converter = Converters.Device.class,
            description = "Where to pool: " + FORMS + ". Default: the clpool.device system property, else the "
                    + "CLPOOL_DEVICE environment variable, else auto.")
    private DeviceSelector selector;

    /** The device asked for, else the default. */
    DeviceSelector selector() {
        return selector != null ? selector : fromEnvironment();
    }

    /** Opens the device; a missing OpenCL or device is a run-time failure (exit 1), not bad input. */
    Clpool open() {
        return Clpool.open(selector());
    }

    /** The default device; a malformed CLPOOL_DEVICE is bad input. */
    static DeviceSelector fromEnvironment() {
        try {
            return DeviceSelector.fromEnvironment();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(DeviceSelector.PROPERTY + " / " + DeviceSelector.ENVIRONMENT + ": " + e.getMessage(), e);
        }
    }
}
