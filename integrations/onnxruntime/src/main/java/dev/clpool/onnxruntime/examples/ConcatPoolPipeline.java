package dev.clpool.onnxruntime.examples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.clpool.Clpool;
import dev.clpool.npy.Npy;
import dev.clpool.onnxruntime.OnnxPoolResult;
import dev.clpool.onnxruntime.OnnxPooling;
import dev.clpool.onnxruntime.OnnxTensors;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A CNN cut at its AdaptiveConcatPool2d, the pooling ONNX cannot express: {@code backbone.onnx} in ONNX Runtime,
 * clpool's adaptive average and max pooling of its features to (5, 7), then {@code head.onnx} on both halves.
 * The models and PyTorch's outputs come from {@code scripts/onnx-pipeline/make_pipeline.py}.
 *
 * <p>Run it on the test data, on the Java path and on the default OpenCL device (from the repository root, after
 * {@code mvn -B install -DskipTests}; PoCL wants {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so} before {@code mvn}):
 * <pre>
 * mvn -B -q -f integrations/pom.xml -pl onnxruntime compile exec:java -Dexec.args="test-data/onnx-pipeline cpu opencl"
 * </pre>
 * It prints each case's largest difference from PyTorch's logits and exits with 1 when one exceeds 1e-5.
 */
public final class ConcatPoolPipeline implements AutoCloseable {
    /** The pool's output size, (5, 7), which divides none of the feature maps. */
    public static final OutputSize POOL_SIZE = OutputSize.of(5, 7);
    /** PyTorch's logits against ours: float32 noise is about 1e-7, a wrong pool moves them by 5e-3 or more. */
    public static final double TOLERANCE = 1e-5;

    private final OrtEnvironment env;
    private final Clpool clpool;
    private final OrtSession backbone;
    private final OrtSession head;

    /** Opens both models from {@code dir} ({@code backbone.onnx}, {@code head.onnx}); pools with {@code clpool}. */
    public ConcatPoolPipeline(OrtEnvironment env, Path dir, Clpool clpool) throws OrtException {
        this.env = env;
        this.clpool = clpool;
        this.backbone = env.createSession(dir.resolve("backbone.onnx").toString());
        try {
            this.head = env.createSession(dir.resolve("head.onnx").toString());
        } catch (OrtException e) {
            backbone.close();
            throw e;
        }
    }

    /** The logits, [N, 10], of a batch of images, [N, 3, H, W] float32. */
    public Tensor logits(Tensor images) throws OrtException {
        try (OnnxTensor input = OnnxTensors.toOnnxTensor(env, images);           // no copy if images are direct
             OrtSession.Result backboneOut = backbone.run(Map.of("input", input))) {
            // ONNX Runtime allocated the features: one copy out of its memory, then pooled twice.
            Tensor features = OnnxTensors.toTensor((OnnxTensor) backboneOut.get("features").orElseThrow());
            try (OnnxPoolResult avg = OnnxPooling.pool(clpool, features, AdaptivePool.avg2d(POOL_SIZE), env);
                 OnnxPoolResult max = OnnxPooling.pool(clpool, features, AdaptivePool.max2d(POOL_SIZE, false), env);
                 OrtSession.Result headOut = head.run(Map.of("avg", avg.values(), "max", max.values()))) {
                return OnnxTensors.toTensor((OnnxTensor) headOut.get("logits").orElseThrow());
            }
        }
    }

    @Override
    public void close() throws OrtException {
        try {
            backbone.close();
        } finally {
            head.close();
        }
    }

    /** The largest absolute difference between two float32 tensors of the same shape. */
    public static double maxAbsDifference(Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException("b: shape " + b.shape() + " differs from a's " + a.shape());
        }
        float[] x = a.toHeap().floats();
        float[] y = b.toHeap().floats();
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((double) x[i] - y[i]));
        }
        return max;
    }

    /** {@code DIR [DEVICE...]}: every {@code input-<i>.npy} of DIR through the pipeline on each device (default cpu). */
    public static void main(String[] args) throws IOException, OrtException {
        if (args.length == 0) {
            System.err.println("usage: ConcatPoolPipeline DIR [DEVICE...]   (e.g. test-data/onnx-pipeline cpu opencl)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String[] devices = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"cpu"};
        boolean ok = true;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (String device : devices) {
            try (Clpool clpool = Clpool.open(device); ConcatPoolPipeline pipeline = new ConcatPoolPipeline(env, dir, clpool)) {
                for (int i = 0; Files.exists(dir.resolve("input-" + i + ".npy")); i++) {
                    Tensor images = Npy.read(dir.resolve("input-" + i + ".npy"));
                    double diff = maxAbsDifference(pipeline.logits(images), Npy.read(dir.resolve("logits-" + i + ".npy")));
                    ok &= diff <= TOLERANCE;
                    System.out.printf("case %d %s on %s: max |logits - PyTorch's| = %.3g%s%n", i, images.shape(),
                            clpool.device(), diff, diff <= TOLERANCE ? "" : " > " + TOLERANCE + ": FAIL");
                }
            }
        }
        if (!ok) {
            System.exit(1);
        }
    }
}
