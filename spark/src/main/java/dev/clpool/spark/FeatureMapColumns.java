package dev.clpool.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Where a row keeps its feature map and how: a {@code binary} column of little-endian float32 or an
 * {@code array<float>}, in C order, with a shape column {@code array<int>} or {@code array<bigint>} of
 * {@code (C, H, W)}. Results are written the way the input came: binary as binary (int64 indices too), arrays as
 * arrays.
 *
 * @param inputCol the feature-map column's name, for messages
 * @param input its position in the row
 * @param binary whether it is {@code binary} (else {@code array<float>})
 * @param shapeCol the shape column's name, for messages
 * @param shape its position in the row
 */
record FeatureMapColumns(String inputCol, int input, boolean binary, String shapeCol, int shape) implements Serializable {
    /** A row's {@code (C, H, W)}, or {@code null} when its feature map or shape is null. */
    long[] shapeOf(Row row, String where) {
        if (row.isNullAt(input) || row.isNullAt(shape)) {
            return null;
        }
        List<Object> sizes = row.getList(shape);
        if (sizes.size() != 3 || sizes.contains(null)) {
            throw new IllegalArgumentException("shapeCol '" + shapeCol + "' at " + where + ": expected (C, H, W), got " + sizes);
        }
        long[] chw = new long[3];
        for (int i = 0; i < 3; i++) {
            chw[i] = ((Number) sizes.get(i)).longValue();
            if (chw[i] < 0) {
                throw new IllegalArgumentException("shapeCol '" + shapeCol + "' at " + where + ": sizes must be >= 0, got " + sizes);
            }
        }
        long elements = elements(chw, where);
        long present = binary ? row.<byte[]>getAs(input).length : row.getList(input).size();
        long needed = binary ? elements * Float.BYTES : elements;
        if (present != needed) {
            throw new IllegalArgumentException("inputCol '" + inputCol + "' at " + where + ": shape " + List.of(chw[0], chw[1], chw[2])
                    + " needs " + needed + (binary ? " bytes" : " floats") + ", the row has " + present);
        }
        return chw;
    }

    private long elements(long[] chw, String where) {
        try {
            long n = Math.multiplyExact(Math.multiplyExact(chw[0], chw[1]), chw[2]);
            if (n <= Integer.MAX_VALUE / Float.BYTES) {
                return n;
            }
        } catch (ArithmeticException tooMany) {
            // reported below
        }
        throw new IllegalArgumentException("shapeCol '" + shapeCol + "' at " + where + ": shape (" + chw[0] + ", " + chw[1] + ", "
                + chw[2] + ") is larger than a Spark binary or array cell holds");
    }

    /** Copies a row's {@code count} floats (its whole feature map) into {@code into} at {@code at}. */
    void copyInto(Row row, float[] into, int at, int count, String where) {
        if (binary) {
            LittleEndian.readFloats(row.getAs(input), into, at, count);
            return;
        }
        List<Object> values = row.getList(input);
        for (int i = 0; i < count; i++) {
            Object v = values.get(i);
            if (v == null) {
                throw new IllegalArgumentException("inputCol '" + inputCol + "' at " + where + ": element " + i + " is null");
            }
            into[at + i] = (Float) v;
        }
    }

    /** Pooled values as the output column holds them (a primitive array is what Spark's row encoder takes for an array). */
    Object values(float[] values, int from, int count) {
        return binary ? LittleEndian.floats(values, from, count) : Arrays.copyOfRange(values, from, from + count);
    }

    /** int64 indices as the indices column holds them. */
    Object indices(long[] indices, int from, int count) {
        return binary ? LittleEndian.longs(indices, from, count) : Arrays.copyOfRange(indices, from, from + count);
    }
}
