package dev.clpool.spark;

import java.util.Locale;

/**
 * The job's command line: {@code --input DIR --output DIR --mode avg|max --output-size SPEC [--format parquet|npy]
 * [--device D] [--on-bad fail|skip]}.
 *
 * @param device "" for the executor's engine
 */
record JobOptions(String input, String output, PoolSpec pool, Format format, String device, OnBad onBad) {
    /** How the pooled shards are written. */
    enum Format { PARQUET, NPY }

    /** What a shard the job cannot pool does. */
    enum OnBad { FAIL, SKIP }

    static final String USAGE = "usage: NpyPoolJob --input DIR --output DIR --mode avg|max --output-size SPEC"
            + " [--format parquet|npy] [--device D] [--on-bad fail|skip]";

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException naming the option and the value when one is missing, unknown or wrong
     */
    static JobOptions parse(String... args) {
        String input = null;
        String output = null;
        String mode = null;
        String size = null;
        String format = "parquet";
        String device = "";
        String onBad = "fail";
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + ": needs a value; " + USAGE);
            }
            String value = args[i + 1];
            switch (option) {
                case "--input" -> input = value;
                case "--output" -> output = value;
                case "--mode" -> mode = value;
                case "--output-size" -> size = value;
                case "--format" -> format = value;
                case "--device" -> device = value;
                case "--on-bad" -> onBad = value;
                default -> throw new IllegalArgumentException("unknown option '" + option + "'; " + USAGE);
            }
        }
        for (String[] required : new String[][] {{"--input", input}, {"--output", output}, {"--mode", mode}, {"--output-size", size}}) {
            if (required[1] == null || required[1].isBlank()) {
                throw new IllegalArgumentException(required[0] + ": required; " + USAGE);
            }
        }
        PoolSpec spec = PoolSpec.parse(mode, size, mode.strip().equalsIgnoreCase("max"), "--mode", "--output-size");
        return new JobOptions(input, output, spec, choice(Format.class, "--format", format), device,
                choice(OnBad.class, "--on-bad", onBad));
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : " or ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(option + ": expected " + allowed + ", got '" + value + "'", e);
        }
    }
}
