package dev.clpool.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/** clpool's Spark configuration keys. */
public final class ClpoolConf {
    /**
     * The device each executor pools on, in {@code clpool}'s {@code --device} forms ({@code auto}, {@code cpu},
     * {@code opencl}, {@code P:D}, a name). With {@code auto} and GPUs assigned to the executor, one engine per GPU.
     */
    public static final String DEVICE = "spark.clpool.device";
    /** {@link #DEVICE}'s default. */
    public static final String DEVICE_DEFAULT = "auto";
    /** The name of Spark's GPU resource ({@code spark.executor.resource.gpu.amount}). */
    public static final String GPU_RESOURCE = "gpu";

    private ClpoolConf() {
    }

    /** {@link #DEVICE} of a configuration. */
    static String device(SparkConf conf) {
        return conf.get(DEVICE, DEVICE_DEFAULT);
    }

    /** {@link #DEVICE} of this JVM's Spark, or its default outside Spark. */
    static String device() {
        SparkEnv env = SparkEnv.get();
        return env == null ? DEVICE_DEFAULT : device(env.conf());
    }
}
