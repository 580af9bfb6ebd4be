package dev.clpool.npy;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0 to 3.0): dtype, byte order and shape.
 * Parsing checks everything a reader relies on, so that nothing is allocated from a header that lies.
 * {@link Npy#header} and {@link Npz#member} return it for readers that take the data a run
 * at a time, e.g. from a memory-mapped file: the data starts {@code headerBytes} into the image.
 *
 * @param dtype the element type
 * @param order the byte order of the data
 * @param shape the array's shape
 * @param headerBytes bytes before the data: magic, version, length field and the header text
 */
public record NpyHeader(DType dtype, ByteOrder order, Shape shape, long headerBytes) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Bytes of data that the header declares. */
    public long dataBytes() {
        return Math.multiplyExact(shape.elementCount(), dtype.byteSize());
    }

    /** The most bytes {@link #headerLength} needs to see: magic, version and the longest length field. */
    static final int PREFIX_BYTES = 12;
    /**
     * The longest header read, prefix included: every version 1.0 header fits, and a stream that declares
     * a gigabyte of header text is refused before it is read (NumPy itself refuses over 10000 bytes).
     */
    static final int MAX_LENGTH = 1 << 17;

    /**
     * Checks the magic and version in the first bytes of a file ({@code prefix}, up to
     * {@link #PREFIX_BYTES}) and returns the length of the whole header, data offset included.
     */
    static int headerLength(byte[] prefix, String source) throws NpyFormatException {
        if (prefix.length < 10) {
            throw new NpyFormatException(source + ": not a .npy file (only " + prefix.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix[i] != MAGIC[i]) {
                throw new NpyFormatException(source + ": not a .npy file (bad magic; expected \\x93NUMPY)");
            }
        }
        int major = prefix[6] & 0xff;
        long length;
        if (major == 1) {
            length = 10L + ((prefix[8] & 0xff) | (prefix[9] & 0xff) << 8);
        } else if (major == 2 || major == 3) {
            if (prefix.length < 12) {
                throw new NpyFormatException(source + ": truncated .npy header");
            }
            length = 12L + ((prefix[8] & 0xffL) | (prefix[9] & 0xffL) << 8 | (prefix[10] & 0xffL) << 16 | (prefix[11] & 0xffL) << 24);
        } else {
            throw new NpyFormatException(source + ": unsupported .npy format version " + major + "." + (prefix[7] & 0xff));
        }
        if (length > MAX_LENGTH) {
            throw new NpyFormatException(source + ": malformed .npy header: it declares " + length
                    + " bytes, more than the " + MAX_LENGTH + " clpool reads");
        }
        return (int) length;
    }

    /**
     * Parses the complete header, {@link #headerLength} bytes; with {@code bfloat16Bits}, 16-bit integer and void arrays ({@code <u2},
     * {@code <i2}, {@code |V2}) are bfloat16 bit patterns, NumPy having no bfloat16 of its own.
     */
    static NpyHeader parse(byte[] header, String source, boolean bfloat16Bits) throws NpyFormatException {
        int textStart = (header[6] & 0xff) == 1 ? 10 : 12;
        String text = new String(header, textStart, header.length - textStart, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(text);
        Matcher fortran = FORTRAN.matcher(text);
        Matcher shape = SHAPE.matcher(text);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new NpyFormatException(source + ": malformed .npy header: " + text.strip());
        }
        if (fortran.group(1).equals("True")) {
            throw new NpyFormatException(source + ": the array is in Fortran order; save it in C order "
                    + "(numpy.ascontiguousarray) first");
        }
        String d = descr.group(1);
        ByteOrder order = switch (d.isEmpty() ? ' ' : d.charAt(0)) {
            case '<', '|', '=' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> null;
        };
        String code = d.isEmpty() ? "" : d.substring(1);
        DType dtype = switch (code) {
            case "f2" -> DType.FLOAT16;
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "i8" -> DType.INT64;
            case "u2", "i2", "V2" -> bfloat16Bits ? DType.BFLOAT16 : null;
            default -> null;
        };
        if (order == null || dtype == null) {
            throw new NpyFormatException(source + ": dtype '" + d + "' (" + numpyName(d) + ") is not supported;"
                    + " clpool reads float16 ('<f2'), float32 ('<f4'), float64 ('<f8') and int64 ('<i8'), and bfloat16"
                    + " as its bit patterns in 16-bit integers ('<u2', '<i2' or '|V2') when asked to"
                    + (code.equals("u2") || code.equals("i2") || code.equals("V2")
                    ? " (as bfloat16: --dtype bfloat16 on the command line, Npy.readBFloat16 in Java)" : ""));
        }
        return new NpyHeader(dtype, order, parseShape(shape.group(1), source), header.length);
    }

    private static Shape parseShape(String tuple, String source) throws NpyFormatException {
        List<Long> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new NpyFormatException(source + ": bad shape (" + tuple + ") in the .npy header");
            }
        }
        Shape s = Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
        try {
            s.elementCount();
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(source + ": the header's shape " + s + " has more elements than a 64-bit count holds");
        }
        return s;
    }

    /** The header text numpy writes for an array, padded so that the data starts on a 64-byte boundary. */
    static byte[] encode(DType dtype, Shape shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.rank(); i++) {
            dims.append(i == 0 ? "" : ", ").append(shape.dim(i));
        }
        if (shape.rank() == 1) {
            dims.append(',');
        }
        String descr = descr(dtype);
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        byte[] out = new byte[10 + text.length()];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) text.length();
        out[9] = (byte) (text.length() >>> 8);
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, out, 10, t.length);
        return out;
    }

    /** The descr clpool writes for a dtype; bfloat16 goes as its bit patterns, {@code <u2}. */
    static String descr(DType dtype) {
        return switch (dtype) {
            case FLOAT16 -> "<f2";
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT64 -> "<i8";
            case BFLOAT16 -> "<u2";
        };
    }

    private static String numpyName(String descr) {
        String code = descr.length() > 1 ? descr.substring(1) : descr;
        return switch (code) {
            case "f2" -> "float16";
            case "f8" -> "float64";
            case "i4" -> "int32";
            case "i2" -> "int16";
            case "u2" -> "uint16";
            case "V2" -> "void, 2 bytes";
            case "i1" -> "int8";
            case "u1" -> "uint8";
            case "b1" -> "bool";
            default -> "unknown to clpool";
        };
    }
}
