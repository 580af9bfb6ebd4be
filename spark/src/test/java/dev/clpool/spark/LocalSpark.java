package dev.clpool.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The tests' local Spark: {@code local[2]} without UI and GPU resource configs (local mode has no GPU
 * scheduling: with them, jobs hang). One session at a time per JVM; asking for other settings stops the
 * current one first.
 */
final class LocalSpark {
    private static SparkSession current;
    private static Map<String, String> currentConf;

    private LocalSpark() {
    }

    static SparkSession session() {
        return session(Map.of());
    }

    /** A session with these settings on top of the tests' own, reused while they stay the same. */
    static synchronized SparkSession session(Map<String, String> conf) {
        if (current != null && conf.equals(currentConf) && !current.sparkContext().isStopped()) {
            return current;
        }
        stop();
        SparkSession.Builder builder = SparkSession.builder()
                .master("local[2]")
                .appName("clpool-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1");
        conf.forEach(builder::config);
        current = builder.getOrCreate();
        currentConf = Map.copyOf(conf);
        return current;
    }

    /** Stops the current session, if any (its executor plugin shuts down with it). */
    static synchronized void stop() {
        if (current != null) {
            current.stop();
            current = null;
            currentConf = null;
        }
    }
}
