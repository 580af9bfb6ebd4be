package dev.clpool.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The tuning of the kernels on one device, from {@code kernels/tuning.properties}: device-name entries
 * (measured), then vendor entries, then the device type's, then the defaults, and over all of them the
 * system properties {@code clpool.tuning.KEY}. The values the kernels are compiled with go to them as
 * {@code -D} defines ({@link #defines()}); the rest steer the host's choices. See the properties file for
 * what each key means.
 */
record Tuning(int localSize, long gpuWorkItemsPerComputeUnit, long cpuGroupsPerComputeUnit, int planesSide,
              long planesPerComputeUnit, long runsPerComputeUnit, int nhwcBlock, int segmentCells, long segmentMinBinCells,
              long tiledMinBinCells, long tiledWholePlaneBytes, long tiledSmallPlaneBytes, int tiledSmallLocalSize,
              long tiledSmallTileBytes, int tiledLocalSize, long tiledTileBytes, long localMemoryMargin) {
    private static final Properties TABLE = load();
    private static final String OVERRIDE = "clpool.tuning.";

    Tuning {
        if (segmentCells % 32 != 0 || segmentCells <= 0) {
            throw new IllegalArgumentException("tuning segmentCells: a positive multiple of 32 is required, got " + segmentCells);
        }
        for (int size : new int[] {localSize, tiledSmallLocalSize, tiledLocalSize}) {
            if (size < 32 || size % 32 != 0) {
                throw new IllegalArgumentException("tuning: work-group sizes must be multiples of 32, got " + size);
            }
        }
    }

    /** The tuning of {@code device}. */
    static Tuning of(DeviceInfo device) {
        List<String> scopes = new ArrayList<>(matching("device", device.name()));
        scopes.addAll(matching("vendor", device.vendor()));
        scopes.add(device.type().toLowerCase(Locale.ROOT) + ".");
        scopes.add("default.");
        Lookup l = new Lookup(scopes);
        return new Tuning(l.i("localSize"), l.l("gpuWorkItemsPerComputeUnit"), l.l("cpuGroupsPerComputeUnit"), l.i("planesSide"),
                l.l("planesPerComputeUnit"), l.l("runsPerComputeUnit"), l.i("nhwcBlock"), l.i("segmentCells"),
                l.l("segmentMinBinCells"), l.l("tiledMinBinCells"), l.l("tiledWholePlaneBytes"), l.l("tiledSmallPlaneBytes"),
                l.i("tiledSmallLocalSize"), l.l("tiledSmallTileBytes"), l.i("tiledLocalSize"), l.l("tiledTileBytes"),
                l.l("localMemoryMargin"));
    }

    /** The scopes {@code kind.<text>.} of the table whose text {@code value} contains, in a stable order. */
    private static List<String> matching(String kind, String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return TABLE.stringPropertyNames().stream().map(k -> k.split("\\.", 3))
                .filter(parts -> parts.length == 3 && parts[0].equals(kind) && lower.contains(parts[1]))
                .map(parts -> parts[0] + "." + parts[1] + ".").distinct().sorted().toList();
    }

    /** The {@code -D} options of the values the kernels are compiled with (each has an {@code #ifndef} default in its file). */
    String defines() {
        return "-DPLANES_SIDE=" + planesSide + " -DNHWC_BLOCK=" + nhwcBlock + " -DSEG_CELLS=" + segmentCells;
    }

    private record Lookup(List<String> scopes) {
        long l(String key) {
            String value = System.getProperty(OVERRIDE + key);
            for (int i = 0; value == null && i < scopes.size(); i++) {
                value = TABLE.getProperty(scopes.get(i) + key);
            }
            if (value == null) {
                throw new IllegalStateException("tuning.properties has no default." + key);
            }
            try {
                return Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tuning " + key + ": expected a whole number, got '" + value + "'");
            }
        }

        int i(String key) {
            return Math.toIntExact(l(key));
        }
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = KernelSources.class.getResourceAsStream(KernelSources.ROOT + "tuning.properties")) {
            if (in == null) {
                throw new IllegalStateException("tuning.properties is missing from the classpath; the jar is incomplete");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading tuning.properties", e);
        }
        return p;
    }
}
