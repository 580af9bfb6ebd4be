package dev.clpool;

import java.util.Locale;

/**
 * Which device a {@link Clpool} computes on. Written on command lines, in the system property
 * {@code clpool.device} and in the environment variable {@code CLPOOL_DEVICE} as:
 * {@code auto} (a GPU if any, else another OpenCL device, else the Java path), {@code cpu} or
 * {@code java} (the Java path), {@code opencl} (the automatic OpenCL choice, failing without OpenCL),
 * {@code P:D} (device D of platform P, from 0), or any other text, matched against device names
 * (case-insensitive substring).
 */
public sealed interface DeviceSelector {
    /** The system property that sets the default device. */
    String PROPERTY = "clpool.device";
    /** The environment variable that sets the default device when the property is absent. */
    String ENVIRONMENT = "CLPOOL_DEVICE";

    /** A GPU if any, else another OpenCL device, else the Java path with one warning. */
    record Auto() implements DeviceSelector { }

    /** The pure-Java path. */
    record Java() implements DeviceSelector { }

    /** The automatic OpenCL choice; fails when OpenCL has no device. */
    record AnyOpenCl() implements DeviceSelector { }

    /** The first OpenCL device whose name contains {@code fragment}, ignoring case. */
    record Named(String fragment) implements DeviceSelector { }

    /** Device {@code device} of platform {@code platform}, both counted from 0 as {@code devices} lists them. */
    record Indexed(int platform, int device) implements DeviceSelector { }

    static DeviceSelector auto() {
        return new Auto();
    }

    static DeviceSelector java() {
        return new Java();
    }

    static DeviceSelector opencl() {
        return new AnyOpenCl();
    }

    /** Parses the forms listed above. */
    static DeviceSelector parse(String spec) {
        String s = spec.strip();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "", "auto":
                return auto();
            case "cpu", "java":
                return java();
            case "opencl":
                return opencl();
            default:
                break;
        }
        int colon = s.indexOf(':');
        if (colon > 0 && s.chars().filter(c -> c == ':').count() == 1) {
            try {
                int p = Integer.parseInt(s.substring(0, colon));
                int d = Integer.parseInt(s.substring(colon + 1));
                if (p < 0 || d < 0) {
                    throw new IllegalArgumentException("device '" + spec + "': platform and device indices must be >= 0");
                }
                return new Indexed(p, d);
            } catch (NumberFormatException notIndices) {
                // a name that happens to contain a colon
            }
        }
        return new Named(s);
    }

    /** The {@code clpool.device} property, else {@code CLPOOL_DEVICE}, else {@code auto}. */
    static DeviceSelector fromEnvironment() {
        String spec = System.getProperty(PROPERTY);
        if (spec == null) {
            spec = System.getenv(ENVIRONMENT);
        }
        return spec == null ? auto() : parse(spec);
    }
}
