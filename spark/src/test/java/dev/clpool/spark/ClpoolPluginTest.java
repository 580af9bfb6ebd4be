package dev.clpool.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** spark.plugins=ClpoolPlugin: the executor opens its engine at start, every task shares it, and it is closed at stop. */
class ClpoolPluginTest {
    @TempDir
    Path work;

    @AfterEach
    void stopSpark() {
        LocalSpark.stop();
    }

    @ParameterizedTest
    @MethodSource("dev.clpool.spark.TestMaps#devices")
    void theExecutorOpensOneEngineSharesItAndClosesItOnShutdown(String device) throws Exception {
        TestMaps.assumeDevice(device);
        LocalSpark.stop();
        ExecutorEngines.closeAll(); // engines earlier tests opened without the plugin
        SparkSession spark = LocalSpark.session(Map.of("spark.plugins", ClpoolPlugin.class.getName(), ClpoolConf.DEVICE, device));

        List<Clpool> opened = ExecutorEngines.openEngines();
        assertEquals(1, opened.size(), "opened at executor start, before any task");
        Clpool engine = opened.get(0);
        assertEquals(device.equals("opencl"), engine.isOpenCl(), engine.device());

        List<Integer> seenByTasks = new JavaSparkContext(spark.sparkContext()).parallelize(List.of(1, 2, 3, 4, 5, 6), 6)
                .map(i -> System.identityHashCode(ExecutorEngines.current())).collect();
        assertEquals(Set.of(System.identityHashCode(engine)), Set.copyOf(seenByTasks), "every task gets the executor's engine");

        SampleShards.write(work.resolve("in"));
        NpyPoolJob.Result r = NpyPoolJob.run(spark, JobOptions.parse("--input", work.resolve("in").toString(),
                "--output", work.resolve("out").toString(), "--mode", "avg", "--output-size", "2"));
        assertEquals(Set.of(engine.device()), r.devices());
        assertEquals(List.of(engine), ExecutorEngines.openEngines(), "no other engine was opened");

        LocalSpark.stop();
        assertTrue(ExecutorEngines.openEngines().isEmpty(), "closed at executor shutdown");
        assertThrows(IllegalStateException.class, () -> engine.pool(Tensor.of(new float[] {1}, 1, 1, 1),
                AdaptivePool.avg2d(OutputSize.of(1))));
    }

    @Test
    void aDeviceTheExecutorCannotOpenFailsItsStartNamingTheSetting() {
        LocalSpark.stop();
        Exception e = assertThrows(Exception.class,
                () -> LocalSpark.session(Map.of("spark.plugins", ClpoolPlugin.class.getName(), ClpoolConf.DEVICE, "-1:0")));
        assertTrue(e.getMessage().contains("spark.clpool.device=-1:0: device '-1:0'"), e.getMessage());
    }
}
