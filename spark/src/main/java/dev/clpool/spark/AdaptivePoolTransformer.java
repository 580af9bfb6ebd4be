package dev.clpool.spark;

import java.util.Arrays;
import java.util.function.Predicate;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * PyTorch's {@code adaptive_avg_pool2d} / {@code adaptive_max_pool2d} over a column of float32 feature maps, as a
 * spark.ml {@link Transformer}. A feature map is a {@code binary} column of little-endian float32 or an
 * {@code array<float>}, in C order, with a shape column ({@code array<int>} or {@code array<bigint>}) of
 * {@code (C, H, W)}. Adds the pooled values ({@code binary} for binary input, {@code array<float>} for arrays),
 * their shape ({@code array<bigint>}, the pooled {@code (C, H, W)}) and, for max with {@code indicesCol}, the int64
 * index {@code h * W + w} of each maximum ({@code binary} little-endian or {@code array<bigint>}). Each row's result
 * is bit for bit {@code Clpool.pool} of that row alone.
 *
 * <pre>{@code
 * Dataset<Row> pooled = new AdaptivePoolTransformer()
 *         .setInputCol("features").setShapeCol("shape").setOutputCol("pooled")
 *         .setMode("max").setOutputSize("none,7").setIndicesCol("argmax")
 *         .transform(df);
 * }</pre>
 *
 * <p>Consecutive rows of one shape in a partition are pooled in one launch ({@code batchSize} rows at most) on
 * the executor's engine ({@link ExecutorEngines#current()}) or on {@code device}.
 */
public final class AdaptivePoolTransformer extends Transformer {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> shapeCol;
    private final Param<String> outputCol;
    private final Param<String> outputShapeCol;
    private final Param<String> indicesCol;
    private final Param<String> mode;
    private final Param<String> outputSize;
    private final Param<String> device;
    private final IntParam batchSize;

    public AdaptivePoolTransformer() {
        this(Identifiable.randomUID("adaptivePool"));
    }

    public AdaptivePoolTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the feature maps: binary (little-endian float32) or array<float>, C order");
        shapeCol = new Param<>(this, "shapeCol", "each feature map's (C, H, W): array<int> or array<bigint>");
        outputCol = new Param<>(this, "outputCol", "the pooled values: binary for binary input, else array<float>");
        outputShapeCol = new Param<>(this, "outputShapeCol", "the pooled (C, H, W), array<bigint>; \"\" for outputCol + \"_shape\"");
        indicesCol = new Param<>(this, "indicesCol", "max only: the int64 index h * W + w of each maximum; \"\" for none");
        mode = new Param<>(this, "mode", "avg (adaptive_avg_pool2d) or max (adaptive_max_pool2d)");
        outputSize = new Param<>(this, "outputSize", "PyTorch's output_size: 7, 5,7 or none,7");
        device = new Param<>(this, "device", "cpu, opencl, P:D or a device name; \"\" or auto for the executor's engine");
        batchSize = new IntParam(this, "batchSize", "the most rows of one shape pooled in one launch (>= 1)");
        setDefault(outputCol, "pooled");
        setDefault(outputShapeCol, "");
        setDefault(indicesCol, "");
        setDefault(mode, "avg");
        setDefault(device, "");
        setDefault(batchSize, 128);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> shapeCol() {
        return shapeCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> outputShapeCol() {
        return outputShapeCol;
    }

    public Param<String> indicesCol() {
        return indicesCol;
    }

    public Param<String> mode() {
        return mode;
    }

    public Param<String> outputSize() {
        return outputSize;
    }

    public Param<String> device() {
        return device;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public AdaptivePoolTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public AdaptivePoolTransformer setShapeCol(String value) {
        set(shapeCol, value);
        return this;
    }

    public AdaptivePoolTransformer setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public AdaptivePoolTransformer setOutputShapeCol(String value) {
        set(outputShapeCol, value);
        return this;
    }

    public AdaptivePoolTransformer setIndicesCol(String value) {
        set(indicesCol, value);
        return this;
    }

    public AdaptivePoolTransformer setMode(String value) {
        set(mode, value);
        return this;
    }

    public AdaptivePoolTransformer setOutputSize(String value) {
        set(outputSize, value);
        return this;
    }

    public AdaptivePoolTransformer setDevice(String value) {
        set(device, value);
        return this;
    }

    public AdaptivePoolTransformer setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        FeatureMapColumns columns = new FeatureMapColumns(required(inputCol), in.fieldIndex(required(inputCol)),
                in.apply(required(inputCol)).dataType().equals(DataTypes.BinaryType),
                required(shapeCol), in.fieldIndex(required(shapeCol)));
        FeatureMapPooler pooler = new FeatureMapPooler(columns, spec(), getOrDefault(device), batchSizeValue());
        return dataset.toDF().mapPartitions(pooler, Encoders.row(out));
    }

    /**
     * The input schema with {@code outputCol}, {@code outputShapeCol} and, where set, {@code indicesCol} added.
     *
     * @throws IllegalArgumentException naming the parameter and its value when one is missing or wrong
     */
    @Override
    public StructType transformSchema(StructType schema) {
        PoolSpec spec = spec();
        if (batchSizeValue() < 1) {
            throw new IllegalArgumentException("batchSize: must be >= 1, got " + batchSizeValue());
        }
        DataType input = column(schema, inputCol, "binary or array<float>", t -> t.equals(DataTypes.BinaryType)
                || t.equals(DataTypes.createArrayType(DataTypes.FloatType, true))
                || t.equals(DataTypes.createArrayType(DataTypes.FloatType, false)));
        column(schema, shapeCol, "array<int> or array<bigint>", t -> t instanceof ArrayType a
                && (a.elementType().equals(DataTypes.IntegerType) || a.elementType().equals(DataTypes.LongType)));
        boolean binary = input.equals(DataTypes.BinaryType);
        StructType out = schema
                .add(newColumn(schema, outputCol, getOrDefault(outputCol),
                        binary ? DataTypes.BinaryType : DataTypes.createArrayType(DataTypes.FloatType, false)))
                .add(newColumn(schema, outputShapeCol, shapeColumnName(), DataTypes.createArrayType(DataTypes.LongType, false)));
        if (spec.withIndices()) {
            out = out.add(newColumn(out, indicesCol, getOrDefault(indicesCol),
                    binary ? DataTypes.BinaryType : DataTypes.createArrayType(DataTypes.LongType, false)));
        }
        return out;
    }

    @Override
    public AdaptivePoolTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The pooling the parameters describe; refuses indicesCol with avg. */
    private PoolSpec spec() {
        String indices = getOrDefault(indicesCol);
        if (!indices.isEmpty() && !getOrDefault(mode).strip().equalsIgnoreCase("max")) {
            throw new IllegalArgumentException("indicesCol '" + indices + "': only max pooling has indices (mode is '"
                    + getOrDefault(mode) + "')");
        }
        return PoolSpec.parse(getOrDefault(mode), required(outputSize), !indices.isEmpty(), "mode", "outputSize");
    }

    /** {@code batchSize}'s value: Scala's {@code Param[Int]} reaches Java as {@code Param<Object>}. */
    private int batchSizeValue() {
        return (Integer) getOrDefault(batchSize);
    }

    private String shapeColumnName() {
        String name = getOrDefault(outputShapeCol);
        return name.isEmpty() ? getOrDefault(outputCol) + "_shape" : name;
    }

    private String required(Param<String> param) {
        if (!isDefined(param) || getOrDefault(param) == null || getOrDefault(param).isBlank()) {
            throw new IllegalArgumentException(param.name() + ": not set" + (param == outputSize
                    ? "; expected PyTorch's output_size, e.g. 7, 5,7 or none,7" : "; expected a column name"));
        }
        return getOrDefault(param);
    }

    /** The type of the column {@code param} names, checked. */
    private DataType column(StructType schema, Param<String> param, String expected, Predicate<DataType> ok) {
        String name = required(param);
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(param.name() + " '" + name + "': no such column; columns: "
                    + String.join(", ", schema.fieldNames()));
        }
        DataType type = schema.apply(name).dataType();
        if (!ok.test(type)) {
            throw new IllegalArgumentException(param.name() + " '" + name + "': expected " + expected + ", got "
                    + type.simpleString());
        }
        return type;
    }

    private static StructField newColumn(StructType schema, Param<String> param, String name, DataType type) {
        if (name.isBlank()) {
            throw new IllegalArgumentException(param.name() + ": must name a column, got '" + name + "'");
        }
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(param.name() + " '" + name + "': the input already has a column of that name");
        }
        return DataTypes.createStructField(name, type, true);
    }
}
