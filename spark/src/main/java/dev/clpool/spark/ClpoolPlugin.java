package dev.clpool.spark;

import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * {@code spark.plugins=dev.clpool.spark.ClpoolPlugin}: each executor opens its clpool engines when it starts
 * (one per assigned GPU, or {@code spark.clpool.device}) and closes them when it stops; tasks reach them through
 * {@link ExecutorEngines#current()}. Nothing runs on the driver.
 */
public final class ClpoolPlugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                String device = ClpoolConf.device(ctx.conf());
                try {
                    ExecutorEngines.open(device, ctx.resources());
                } catch (RuntimeException e) {
                    throw new IllegalStateException("clpool on executor " + ctx.executorID() + ", " + ClpoolConf.DEVICE + "="
                            + device + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void shutdown() {
                ExecutorEngines.closeAll();
            }
        };
    }
}
