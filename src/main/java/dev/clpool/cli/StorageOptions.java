package dev.clpool.cli;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --dtype} and {@code --layout}: how to read the input file. The dtype is the file's own
 * ({@code <f2}, {@code <f4}, {@code <f8}) unless {@code --dtype bfloat16} says that 16-bit integers
 * ({@code <u2}, {@code <i2}, {@code |V2}) hold bfloat16 bit patterns, NumPy having no bfloat16. With
 * {@code --layout nhwc} the file is an {@code (N, H, W, C)} array, its memory order, pooled as the logical
 * {@code (N, C, H, W)} tensor in channels last; outputs are written the same way.
 */
final class StorageOptions {
    static final String DTYPES = "auto|float16|bfloat16|float32|float64";

    @Option(names = "--dtype", paramLabel = DTYPES, converter = DTypeConverter.class,
            description = "The input's element type. auto (default): the file's own, float16 (<f2), float32 (<f4) or float64 "
                    + "(<f8). bfloat16: the file holds bfloat16 bit patterns as 16-bit integers (<u2, <i2 or |V2), e.g. "
                    + "x.view(torch.int16).numpy(); outputs are written the same way (<u2). Any other value must be the "
                    + "file's dtype. Outputs have the input's dtype: averages are summed in float32 (float64 for float64) "
                    + "and rounded once, as PyTorch does. float64 needs an OpenCL device with cl_khr_fp64 (or --device cpu).")
    private DType dtype;

    @Option(names = "--layout", paramLabel = "nchw|nhwc", defaultValue = "nchw", converter = LayoutConverter.class,
            description = "How the input file's memory is laid out. nchw (default): the array is (N, C, H, W) or (C, H, W). "
                    + "nhwc: the array is (N, H, W, C), channels last (PyTorch's channels_last, TensorFlow's default); it "
                    + "is pooled without reordering, and the values and indices are written as (N, OH, OW, C) arrays too. "
                    + "Indices are h * W + w in either layout.")
    private Layout layout;

    /**
     * Opens the input with this dtype and layout, to be read a chunk at a time; bad dtypes and shapes are
     * {@link BadInputException}s, found from the header before any data is read.
     */
    InputFile open(InputOptions input) {
        boolean bfloat16Bits = dtype == DType.BFLOAT16;
        InputFile f = input.openAny(Layout.CONTIGUOUS, bfloat16Bits);
        try {
            check(f, "--input " + input.name());
        } catch (BadInputException e) {
            TensorFiles.closeQuietly(f);
            throw e;
        }
        if (layout == Layout.CONTIGUOUS) {
            return f;
        }
        TensorFiles.closeQuietly(f);
        return input.openAny(layout, bfloat16Bits);
    }

    private void check(InputFile f, String name) {
        if (!f.dtype().isFloatingPoint()) {
            throw new BadInputException(name + ": dtype " + f.dtype() + " cannot be pooled; expected float16 ('<f2'), float32"
                    + " ('<f4'), float64 ('<f8'), or bfloat16 bits ('<u2') with --dtype bfloat16");
        }
        if (dtype != null && f.dtype() != dtype) {
            throw new BadInputException("--dtype " + dtype + ": " + name + " holds " + f.dtype() + " ('" + descr(f.dtype())
                    + "')" + (dtype == DType.BFLOAT16 ? ", not bfloat16 bit patterns ('<u2', '<i2' or '|V2')"
                    : "; omit --dtype to pool it as " + f.dtype()));
        }
        if (layout == Layout.CHANNELS_LAST && f.shape().rank() != 4) {
            throw new BadInputException("--layout nhwc: " + name + " must be a 4-d (N, H, W, C) array, got shape " + f.shape()
                    + " (rank " + f.shape().rank() + ")");
        }
    }

    /** {@code ""}, or {@code ", float16, nhwc"}: what differs from float32 NCHW, for messages. */
    static String describe(InputFile f) {
        return (f.dtype() == DType.FLOAT32 ? "" : ", " + f.dtype()) + (f.layout() == Layout.CHANNELS_LAST ? ", nhwc" : "");
    }

    private static String descr(DType d) {
        return switch (d) {
            case FLOAT16 -> "<f2";
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT64 -> "<i8";
            case BFLOAT16 -> "<u2";
        };
    }

    /** {@code auto} (null), or a floating-point dtype. */
    static final class DTypeConverter implements ITypeConverter<DType> {
        @Override
        public DType convert(String text) {
            if (text.strip().equalsIgnoreCase("auto")) {
                return null;
            }
            try {
                DType d = DType.parse(text);
                if (d.isFloatingPoint()) {
                    return d;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new TypeConversionException("expected " + DTYPES.replace("|", ", ") + ", got '" + text + "'");
        }
    }

    /** {@code nchw} or {@code nhwc} (also contiguous, channels_last). */
    static final class LayoutConverter implements ITypeConverter<Layout> {
        @Override
        public Layout convert(String text) {
            return Converters.parse(text, Layout::parse, "nchw or nhwc");
        }
    }
}
