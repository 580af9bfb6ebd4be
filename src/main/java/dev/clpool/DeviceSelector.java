package dev.clpool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which device a {@link Clpool} computes on. Written on command lines, in the system property
 * {@code clpool.device} and in the environment variable {@code CLPOOL_DEVICE} as:
 * {@code auto} (a GPU if any, else another OpenCL device, else the Java path), {@code cpu} or
 * {@code java} (the Java path), {@code opencl} (the automatic OpenCL choice, failing without OpenCL),
 * {@code P:D} (device D of platform P, from 0), any other text, matched against device names
 * (case-insensitive substring), {@code gpus} (every OpenCL GPU), or several OpenCL devices separated by
 * commas ({@code 0:0,0:1}), which share each call's work.
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

    /** Every OpenCL GPU; fails when there is none. */
    record AllGpus() implements DeviceSelector { }

    /** Several OpenCL devices, each named by a selector of its own, sharing each call's work. */
    record Several(List<DeviceSelector> members) implements DeviceSelector {
        public Several {
            members = List.copyOf(members);
            for (DeviceSelector m : members) {
                if (!(m instanceof Named || m instanceof Indexed || m instanceof AnyOpenCl)) {
                    throw new IllegalArgumentException("device: a list names OpenCL devices (P:D or part of a name), not " + m);
                }
            }
        }
    }

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
        if (s.contains(",")) {
            List<DeviceSelector> members = new ArrayList<>();
            for (String part : s.split(",", -1)) {
                if (part.isBlank()) {
                    throw new IllegalArgumentException("device '" + spec + "': an empty entry in the list");
                }
                members.add(parse(part));
            }
            return new Several(members);
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "", "auto":
                return auto();
            case "cpu", "java":
                return java();
            case "opencl":
                return opencl();
            case "gpus":
                return new AllGpus();
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
