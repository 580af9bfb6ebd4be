package dev.clpool.cli;

import dev.clpool.DeviceSelector;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.tensor.Shape;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses option values with the library's own parsers, so the command line accepts what the API does. */
final class Converters {
    private Converters() {
    }

    /** {@code avg} or {@code max}. */
    static final class Mode implements ITypeConverter<PoolMode> {
        @Override
        public PoolMode convert(String text) {
            return parse(text, PoolMode::parse, "avg or max");
        }
    }

    /** {@code 7}, {@code 5,7}, {@code none,7}, {@code 5,none}: one or two sizes, none of them negative. */
    static final class Size implements ITypeConverter<OutputSize> {
        @Override
        public OutputSize convert(String text) {
            return outputSize(text, 2, "1 or 2 sizes for 2-d pooling (7, 5,7, none,7 or 5,none)");
        }
    }

    /**
     * One to three sizes, for 1-d, 2-d or 3-d pooling, none of them negative; {@link PoolOptions} checks
     * the count against {@code --dims}.
     */
    static final class AnySize implements ITypeConverter<OutputSize> {
        @Override
        public OutputSize convert(String text) {
            return outputSize(text, 3, "1 to 3 sizes (one per pooled axis)");
        }
    }

    /** {@code 2,3,10,9}: a tensor's shape, sizes of at least 0. */
    static final class ShapeList implements ITypeConverter<Shape> {
        @Override
        public Shape convert(String text) {
            String[] parts = text.strip().split("\\s*[,x]\\s*", -1);
            long[] dims = new long[parts.length];
            try {
                for (int i = 0; i < parts.length; i++) {
                    dims[i] = Long.parseLong(parts[i].strip());
                }
                return Shape.of(dims);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("expected a shape as integers separated by commas, like 2,3,10,9, got '"
                        + text + "'");
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code auto}, {@code cpu}, {@code java}, {@code opencl}, {@code P:D} or part of a device name. */
    static final class Device implements ITypeConverter<DeviceSelector> {
        @Override
        public DeviceSelector convert(String text) {
            return parse(text, DeviceSelector::parse);
        }
    }

    /** {@code H,W}: the spatial size of an input, both at least 1. */
    static final class Spatial implements ITypeConverter<SpatialSize> {
        @Override
        public SpatialSize convert(String text) {
            String[] parts = text.strip().split("\\s*[,x]\\s*", -1);
            if (parts.length != 2) {
                throw new TypeConversionException("expected H,W (two sizes, like 10,9), got '" + text + "'");
            }
            try {
                return new SpatialSize(Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip()));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("expected H,W as two integers, like 10,9, got '" + text + "'");
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A size in bytes: {@code 4096}, {@code 512k}, {@code 64m}, {@code 1g} (binary multiples, any case), at least 1. */
    static final class ByteSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            int shift = t.endsWith("k") ? 10 : t.endsWith("m") ? 20 : t.endsWith("g") ? 30 : 0;
            try {
                long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
                if (n >= 1 && n <= Long.MAX_VALUE >> shift) {
                    return n << shift;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("expected a size in bytes of at least 1, such as 4096, 512k, 64m or 1g, got '"
                    + text + "'");
        }
    }

    /** {@code parse(text)}; the library's refusal becomes picocli's, with the library's message. */
    static <T> T parse(String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** {@code parse(text)}; the library's refusal becomes picocli's, "expected {@code expected}, got 'text'". */
    static <T> T parse(String text, Function<String, T> parse, String expected) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("expected " + expected + ", got '" + text + "'");
        }
    }

    /** An output size of at most {@code most} sizes ({@code expected} says which), its signs checked now, before any input is read. */
    private static OutputSize outputSize(String text, int most, String expected) {
        return parse(text, t -> {
            OutputSize size = OutputSize.parse(t);
            if (size.arity() > most) {
                throw new IllegalArgumentException("output size '" + t + "': expected " + expected + ", got " + size.arity());
            }
            size.resolve(new long[size.arity()]);
            return size;
        });
    }
}
