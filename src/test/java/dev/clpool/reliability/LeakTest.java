package dev.clpool.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.opencl.LiveObjects;
import dev.clpool.reliability.Workload.Api;
import dev.clpool.reliability.Workload.Job;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.Slow;
import dev.clpool.testing.TestDevices;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5.2: after 10,000 API calls on one engine (the mixed workload of {@link Workload}: host and
 * device APIs, avg and max, every kernel family), clpool's own counts of live OpenCL objects (contexts,
 * queues, programs, kernels, buffers, events) are back at their baseline, taken after a warm-up (the
 * engine keeps idle buffers for reuse while it is open), and the JVM's direct memory is back within
 * 1 MiB. Closing the engine releases everything it created; closing it twice is harmless, and every
 * API call after close throws {@link IllegalStateException}. The slow variant makes 100,000 calls.
 */
class LeakTest {
    static final int CALLS = Slow.pick(10_000, 100_000);
    static final long DIRECT_SLACK = 1 << 20;

    /** Bytes of direct NIO buffers the JVM holds, after letting the collector free unreachable ones. */
    static long directBytes() throws InterruptedException {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return direct.getMemoryUsed();
    }

    /** The workload's (job, API) pairs in a seeded order, repeated as often as needed. */
    static List<Object[]> cycle(long seed) {
        List<Object[]> pairs = new ArrayList<>();
        for (Job job : Workload.jobs(seed)) {
            for (Api api : Api.values()) {
                pairs.add(new Object[] {job, api});
            }
        }
        Collections.shuffle(pairs, new Random(seed));
        return pairs;
    }

    @Test
    void tenThousandCallsLeaveNoOpenClObjectsAndNoDirectMemoryBehind() throws Exception {
        TestDevices.openCl(); // skips without OpenCL, fails in CI
        long seed = Seeds.seed("LeakTest");
        Map<LiveObjects.Kind, Long> beforeOpen = LiveObjects.snapshot();
        Clpool clpool = Clpool.open(DeviceSelector.opencl());
        List<Object[]> cycle = cycle(seed);
        // Warm-up: two rounds, so that the engine's pool holds the idle buffers this workload reuses.
        for (int round = 0; round < 2; round++) {
            for (Object[] p : cycle) {
                ((Job) p[0]).run(clpool, (Api) p[1]);
            }
        }
        Map<LiveObjects.Kind, Long> baseline = LiveObjects.snapshot();
        long directBaseline = directBytes();

        long start = System.nanoTime();
        int calls = 0;
        for (int i = 0; calls < CALLS; i++) {
            Object[] p = cycle.get(i % cycle.size());
            ((Job) p[0]).run(clpool, (Api) p[1]);
            calls += ((Job) p[0]).apiCalls((Api) p[1]);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<LiveObjects.Kind, Long> after = LiveObjects.snapshot();
        long directAfter = directBytes();
        System.out.printf("[LeakTest] %d API calls on %s in %.1f s; live objects %s (baseline %s); direct memory %d -> %d bytes%n",
                calls, clpool.device(), seconds, after, baseline, directBaseline, directAfter);
        assertEquals(baseline, after, Seeds.describe(seed) + ": live OpenCL objects after " + calls + " calls");
        assertTrue(directAfter - directBaseline <= DIRECT_SLACK, "direct memory grew from " + directBaseline + " to "
                + directAfter + " bytes over " + calls + " calls");

        clpool.close();
        assertEquals(beforeOpen, LiveObjects.snapshot(), "live OpenCL objects after close");
        clpool.close();
        assertEquals(beforeOpen, LiveObjects.snapshot(), "live OpenCL objects after a second close");
    }

    static Stream<Named<DeviceSelector>> selectors() {
        return Stream.of(Named.of("java", DeviceSelector.java()), Named.of("opencl", DeviceSelector.opencl()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selectors")
    void closingTwiceIsHarmlessAndEveryCallAfterCloseThrowsIllegalState(DeviceSelector selector) {
        if (!(selector instanceof DeviceSelector.Java)) {
            TestDevices.openCl();
        }
        Map<LiveObjects.Kind, Long> beforeOpen = LiveObjects.snapshot();
        Clpool clpool = Clpool.open(selector);
        Tensor x = Workload.hostile(new Random(5), 2, 3, 9, 7);
        AdaptivePool max = AdaptivePool.max2d(OutputSize.of(4, 3), true);
        // A device tensor and a device result made before close, still held by the caller.
        DeviceTensor held = clpool.upload(x);
        DevicePoolResult heldResult = clpool.pool(held, max);
        clpool.close();
        clpool.close();
        List<Consumer<Clpool>> calls = List.of(
                c -> c.pool(x, max),
                c -> c.adaptiveAvgPool2d(x, OutputSize.of(2)),
                c -> c.adaptiveMaxPool2d(x, OutputSize.of(2)),
                c -> c.upload(x),
                c -> c.pool(held, max),
                c -> c.download(held),
                c -> c.download(heldResult.values()));
        for (int i = 0; i < calls.size(); i++) {
            Consumer<Clpool> call = calls.get(i);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> call.accept(clpool), "call " + i);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        // Tensors the caller still holds can be closed after the engine, which frees what they hold.
        heldResult.close();
        held.close();
        held.close();
        assertEquals(beforeOpen, LiveObjects.snapshot(), "live OpenCL objects after closing the engine and then its tensors");
    }
}
