package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.ClCalls;
import dev.clpool.opencl.LiveObjects;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Allocations;
import dev.clpool.testing.SpyBackend;
import dev.clpool.testing.TestDevices;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every input PyTorch refuses is refused with an {@link IllegalArgumentException} that names the
 * parameter and the offending value, before any backend work; empty results (N = 0, a zero output size)
 * are shaped as libtorch shapes them and never reach a backend; closing is idempotent.
 */
class ValidationTest {
    /** {@code 0x3FFFFFFFFFFFFFFF}: its square overflows 64 bits many times over. */
    static final long HUGE = 0x3FFFFFFFFFFFFFFFL;

    /** A bad call: input, operation, and the fragments the message must contain. */
    record Bad(String what, Supplier<Tensor> input, AdaptivePool op, List<String> mustName) {
        @Override
        public String toString() {
            return what + " " + op;
        }
    }

    static Tensor zeros(long... shape) {
        return Tensor.of(new float[Math.toIntExact(Shape.of(shape).elementCount())], shape);
    }

    static Tensor ramp(long... shape) {
        float[] data = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f - 3;
        }
        return Tensor.of(data, shape);
    }

    static AdaptivePool avg(OutputSize s) {
        return AdaptivePool.avg2d(s);
    }

    static AdaptivePool max(OutputSize s) {
        return AdaptivePool.max2d(s, true);
    }

    static Stream<Bad> badInputs() {
        OutputSize two = OutputSize.of(2);
        return Stream.of(
                // rank not 3 or 4
                new Bad("rank 0", () -> Tensor.of(new float[] {1}), avg(two), List.of("input", "[]", "rank 0")),
                new Bad("rank 1", () -> ramp(6), avg(two), List.of("input", "[6]", "rank 1")),
                new Bad("rank 2", () -> ramp(2, 3), max(two), List.of("input", "[2, 3]", "rank 2")),
                new Bad("rank 5", () -> ramp(1, 1, 1, 2, 2), avg(two), List.of("input", "[1, 1, 1, 2, 2]", "rank 5")),
                new Bad("rank 5", () -> ramp(1, 1, 1, 2, 2), max(two), List.of("input", "[1, 1, 1, 2, 2]", "rank 5")),
                // output size of the wrong arity
                new Bad("3 sizes", () -> ramp(1, 2, 3, 3), avg(OutputSize.of(1, 2, 3)), List.of("outputSize", "(1, 2, 3)", "got 3")),
                new Bad("3 sizes", () -> ramp(2, 3, 3), max(OutputSize.of(1, 2, 3)), List.of("outputSize", "(1, 2, 3)", "got 3")),
                new Bad("1-tuple", () -> ramp(1, 2, 3, 3), max(OutputSize.ofNullable(2L)), List.of("outputSize", "(2,)", "got 1")),
                // negative sizes
                new Bad("negative", () -> ramp(1, 2, 3, 3), avg(OutputSize.of(-1)), List.of("outputSize", "-1")),
                new Bad("negative", () -> ramp(1, 2, 3, 3), max(OutputSize.of(3, -2)), List.of("outputSize", "(3, -2)", "-2")),
                new Bad("negative", () -> ramp(2, 3, 3), avg(OutputSize.ofNullable(null, -5L)), List.of("outputSize", "(None, -5)", "-5")),
                new Bad("negative", () -> ramp(2, 3, 3), max(OutputSize.of(Long.MIN_VALUE + 1)), List.of("outputSize", "-9223372036854775807")),
                // empty non-batch dimensions: spatial ones for both modes ...
                new Bad("H = 0", () -> zeros(1, 2, 0, 4), avg(two), List.of("input", "[1, 2, 0, 4]", "dimension 2")),
                new Bad("W = 0", () -> zeros(1, 2, 3, 0), avg(two), List.of("input", "[1, 2, 3, 0]", "dimension 3")),
                new Bad("H = 0", () -> zeros(2, 0, 4), avg(two), List.of("input", "[2, 0, 4]", "dimension 1")),
                new Bad("W = 0", () -> zeros(2, 4, 0), max(two), List.of("input", "[2, 4, 0]", "dimension 2")),
                new Bad("H = 0", () -> zeros(1, 2, 0, 4), max(two), List.of("input", "[1, 2, 0, 4]", "dimension 2")),
                new Bad("N = 0, H = 0", () -> zeros(0, 2, 0, 4), avg(two), List.of("input", "[0, 2, 0, 4]", "dimension 2")),
                // ... and C for batched max (libtorch 2.7.1: adaptive_max_pool2d checks every dimension after the first)
                new Bad("batched C = 0", () -> zeros(1, 0, 3, 4), max(two), List.of("input", "[1, 0, 3, 4]", "dimension 1")),
                new Bad("batched C = 0", () -> zeros(0, 0, 3, 4), max(two), List.of("input", "[0, 0, 3, 4]", "dimension 1")),
                // element counts that overflow 64 bits: refused from arithmetic, nothing allocated
                new Bad("overflow", () -> ramp(1, 1, 2, 2), avg(OutputSize.of(HUGE)),
                        List.of("outputSize", "4611686018427387903", "1 * 1 * 4611686018427387903 * 4611686018427387903")),
                new Bad("overflow", () -> ramp(3, 2, 2), max(OutputSize.of(HUGE, 4)),
                        List.of("outputSize", "3 * 4611686018427387903 * 4")),
                // more than a Java array holds
                new Bad("too big", () -> ramp(1, 1, 4, 4), avg(OutputSize.of(50_000, 50_000)),
                        List.of("outputSize", "(50000, 50000)", "2500000000")),
                new Bad("too big", () -> ramp(1, 1, 4, 4), max(OutputSize.of(HUGE, 1)),
                        List.of("outputSize", "4611686018427387903")),
                new Bad("just too big", () -> ramp(1, 1, 1, 1), max(OutputSize.of(1, Integer.MAX_VALUE - 7)),
                        List.of("outputSize", "2147483640")),
                // dtype
                new Bad("int64 input", () -> Tensor.ofInt64(new long[4], Shape.of(1, 1, 2, 2)), avg(two), List.of("input", "int64")));
    }

    static void assertNames(Throwable e, List<String> fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message must name '" + f + "': " + e.getMessage());
        }
    }

    /** Runs a bad call on {@code clpool}: refused with the right message, quickly, input untouched, little allocated. */
    static void assertRefused(Clpool clpool, Bad bad) {
        Tensor input = bad.input().get();
        Object before = input.dtype() == DType.FLOAT32 ? input.floats().clone() : input.int64s().clone();
        Allocations.Measured m = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> Allocations.measure(() -> clpool.pool(input, bad.op())), bad.toString());
        assertNotNull(m.thrown(), bad + " was accepted");
        assertSame(IllegalArgumentException.class, m.thrown().getClass(), () -> bad + " threw " + m.thrown());
        assertNames(m.thrown(), bad.mustName());
        assertTrue(m.bytes() < 4 << 20, bad + ": refusing allocated " + m.bytes() + " bytes");
        if (input.dtype() == DType.FLOAT32) {
            assertArrayEquals((float[]) before, input.floats(), "the caller's input changed");
        } else {
            assertArrayEquals((long[]) before, input.int64s(), "the caller's input changed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRefusedBeforeAnyBackendCall(Bad bad) {
        SpyBackend spy = SpyBackend.forbidding();
        try (Clpool clpool = Clpool.using(spy)) {
            assertRefused(clpool, bad);
        }
        assertEquals(0, spy.poolCalls.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRefusedOnTheJavaPath(Bad bad) {
        assertRefused(TestDevices.java(), bad);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputOnOpenClMakesNoOpenClCallAndNoObject(Bad bad) {
        Clpool cl = TestDevices.openCl();
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        List<String> calls = ClCalls.during(() -> assertRefused(cl, bad));
        assertEquals(List.of(), calls, bad + ": OpenCL calls were made");
        assertEquals(before, LiveObjects.snapshot(), bad + ": live OpenCL objects changed");
    }

    @Test
    void openClCallRecorderSeesAGoodCall() {
        // The recorder and the counters are live: the first call of a plan uploads its bin table (a buffer
        // the engine keeps for the next calls of the plan) and launches a kernel; the next call of the plan
        // creates no buffer and leaves every count as it was.
        Clpool cl = TestDevices.openCl();
        cl.adaptiveMaxPool2d(ramp(1, 2, 5, 5), OutputSize.of(3)); // fills the buffer pool, which outlives a call
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        assertTrue(before.get(LiveObjects.Kind.CONTEXT) >= 1 && before.get(LiveObjects.Kind.PROGRAM) >= 1, before.toString());
        OutputSize fresh = OutputSize.of(2, 777); // a plan no other test pools
        List<String> calls = ClCalls.during(() -> cl.adaptiveMaxPool2d(ramp(1, 2, 5, 5), fresh));
        assertTrue(calls.contains("clCreateBuffer") && calls.contains("clEnqueueNDRangeKernel")
                && (calls.contains("clEnqueueReadBuffer") || calls.contains("clEnqueueMapBuffer")), calls.toString());
        Map<LiveObjects.Kind, Long> kept = LiveObjects.snapshot();
        for (LiveObjects.Kind k : LiveObjects.Kind.values()) {
            // The bin table, and idle buffers of the new output size in the engine's buffer pool, stay.
            long allowed = before.get(k) + (k == LiveObjects.Kind.BUFFER ? 3 : 0);
            assertTrue(kept.get(k) >= before.get(k) && kept.get(k) <= allowed, k + ": " + before + " then " + kept);
        }
        List<String> again = ClCalls.during(() -> cl.adaptiveMaxPool2d(ramp(1, 2, 5, 5), fresh));
        assertTrue(!again.contains("clCreateBuffer") && again.contains("clEnqueueNDRangeKernel"), again.toString());
        assertEquals(kept, LiveObjects.snapshot());
    }

    // ---------------------------------------------------------------- bad tensors and values

    @Test
    void dataLengthMustMatchTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 1, 2, 3));
        assertNames(e, List.of("data", "length 5", "[1, 2, 3]", "6 elements"));
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ofInt64(new long[7], Shape.of(2, 3)));
        assertNames(e, List.of("data", "length 7", "[2, 3]"));
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], 1, 1, 1, 1));
        assertNames(e, List.of("data", "length 0", "[1, 1, 1, 1]"));
    }

    @Test
    void inputShapeWhoseCountOverflowsIsRefused() {
        // A tensor cannot be built over it, and a plan refuses it by itself.
        long big = 1L << 32;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], big, big, 2, 2));
        assertNames(e, List.of("shape", "[4294967296, 4294967296, 2, 2]", "overflows"));
        e = assertThrows(IllegalArgumentException.class,
                () -> PoolPlan.of(Shape.of(big, big, 2, 2), AdaptivePool.avg2d(OutputSize.of(1))));
        assertNames(e, List.of("shape", "[4294967296, 4294967296, 2, 2]", "overflows"));
    }

    @Test
    void negativeShapeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(1, -2, 3));
        assertNames(e, List.of("shape", "dimension 1", "-2"));
    }

    @Test
    void modeAndOperationValuesAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoolMode.parse("median"));
        assertNames(e, List.of("mode", "median"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new AdaptivePool(PoolMode.AVG, 2, OutputSize.of(2), true));
        assertNames(e, List.of("withIndices", "avg"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new AdaptivePool(PoolMode.MAX, 4, OutputSize.of(2), false));
        assertNames(e, List.of("spatialRank", "4"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new AdaptivePool(PoolMode.AVG, 0, OutputSize.of(2), false));
        assertNames(e, List.of("spatialRank", "0"));
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> new AdaptivePool(null, 2, OutputSize.of(2), false));
        assertNames(npe, List.of("mode"));
        npe = assertThrows(NullPointerException.class, () -> AdaptivePool.avg2d(null));
        assertNames(npe, List.of("outputSize"));
        e = assertThrows(IllegalArgumentException.class, () -> OutputSize.of());
        assertNames(e, List.of("outputSize"));
        e = assertThrows(IllegalArgumentException.class, () -> OutputSize.parse("5,x"));
        assertNames(e, List.of("output size", "'5,x'", "'x'"));
    }

    @Test
    void nullArgumentsAreNamed() {
        SpyBackend spy = SpyBackend.forbidding();
        try (Clpool clpool = Clpool.using(spy)) {
            assertNames(assertThrows(NullPointerException.class, () -> clpool.pool((Tensor) null, max(OutputSize.of(1)))), List.of("input"));
            assertNames(assertThrows(NullPointerException.class, () -> clpool.pool(ramp(1, 2, 2), null)), List.of("op"));
        }
        assertNames(assertThrows(NullPointerException.class, () -> Clpool.using(null)), List.of("backend"));
    }

    // ---------------------------------------------------------------- empty results

    /** An accepted input with an empty output: libtorch 2.7.1's output shape for it. */
    record Empty(long[] input, AdaptivePool op, long[] expected) {
        @Override
        public String toString() {
            return Arrays.toString(input) + " " + op + " -> " + Arrays.toString(expected);
        }
    }

    static Stream<Empty> emptyResults() {
        return Stream.of(
                // N = 0, both modes
                new Empty(new long[] {0, 3, 4, 4}, avg(OutputSize.of(2)), new long[] {0, 3, 2, 2}),
                new Empty(new long[] {0, 3, 4, 4}, max(OutputSize.of(2)), new long[] {0, 3, 2, 2}),
                new Empty(new long[] {0, 3, 4, 4}, max(OutputSize.ofNullable(null, 7L)), new long[] {0, 3, 4, 7}),
                // zero output sizes, both modes
                new Empty(new long[] {1, 2, 3, 4}, avg(OutputSize.of(0)), new long[] {1, 2, 0, 0}),
                new Empty(new long[] {1, 2, 3, 4}, max(OutputSize.of(0, 5)), new long[] {1, 2, 0, 5}),
                new Empty(new long[] {1, 2, 3, 4}, avg(OutputSize.ofNullable(null, 0L)), new long[] {1, 2, 3, 0}),
                new Empty(new long[] {2, 3, 4}, max(OutputSize.of(5, 0)), new long[] {2, 5, 0}),
                new Empty(new long[] {2, 3, 4}, avg(OutputSize.of(0)), new long[] {2, 0, 0}),
                // a zero output size next to a huge one: empty, not an overflow
                new Empty(new long[] {1, 1, 2, 2}, max(OutputSize.of(0, HUGE)), new long[] {1, 1, 0, HUGE}),
                // C = 0: avg allows it batched or not; max allows it unbatched only
                new Empty(new long[] {1, 0, 3, 4}, avg(OutputSize.of(2)), new long[] {1, 0, 2, 2}),
                new Empty(new long[] {0, 0, 3, 4}, avg(OutputSize.of(2)), new long[] {0, 0, 2, 2}),
                new Empty(new long[] {0, 3, 4}, avg(OutputSize.of(2)), new long[] {0, 2, 2}),
                new Empty(new long[] {0, 3, 4}, max(OutputSize.of(2)), new long[] {0, 2, 2}));
    }

    static void assertEmpty(PoolResult r, Empty c) {
        Shape expected = Shape.of(c.expected());
        assertEquals(expected, r.values().shape(), c.toString());
        assertEquals(0, r.values().floats().length);
        assertEquals(DType.FLOAT32, r.values().dtype());
        if (c.op().withIndices()) {
            assertTrue(r.hasIndices());
            assertEquals(expected, r.indices().shape());
            assertEquals(DType.INT64, r.indices().dtype());
            assertEquals(0, r.indices().int64s().length);
        } else {
            assertNull(r.indices());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyResults")
    void emptyResultIsShapedWithoutABackendCall(Empty c) {
        SpyBackend spy = SpyBackend.forbidding();
        try (Clpool clpool = Clpool.using(spy)) {
            assertEmpty(clpool.pool(zeros(c.input()), c.op()), c);
        }
        assertEquals(0, spy.poolCalls.get());
    }

    static Stream<Arguments> emptyResultsOnEngines() {
        return TestDevices.engines().flatMap(e -> emptyResults().map(c -> Arguments.of(e, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("emptyResultsOnEngines")
    void emptyResultOnEachEngine(TestDevices.EngineSource engine, Empty c) {
        Clpool clpool = engine.get();
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        List<String> calls = ClCalls.during(() -> assertEmpty(clpool.pool(zeros(c.input()), c.op()), c));
        assertEquals(List.of(), calls, "an empty result needs no OpenCL call");
        assertEquals(before, LiveObjects.snapshot());
    }

    @Test
    void aGoodInputReachesTheBackendOnce() {
        // The other side of the spy tests: the spy is wired in and its output is what Clpool returns.
        SpyBackend spy = SpyBackend.counting();
        try (Clpool clpool = Clpool.using(spy)) {
            PoolResult r = clpool.adaptiveMaxPool2d(ramp(1, 2, 5, 5), OutputSize.of(3));
            assertEquals(1, spy.poolCalls.get());
            assertEquals(Shape.of(1, 2, 3, 3), r.values().shape());
            for (float v : r.values().floats()) {
                assertEquals(42f, v);
            }
            for (long i : r.indices().int64s()) {
                assertEquals(7L, i);
            }
            Tensor avg = clpool.adaptiveAvgPool2d(ramp(2, 5, 5), OutputSize.ofNullable(null, 2L));
            assertEquals(Shape.of(2, 5, 2), avg.shape());
            assertEquals(2, spy.poolCalls.get());
            PoolResult noIndices = clpool.pool(ramp(2, 5, 5), AdaptivePool.max2d(OutputSize.of(2), false));
            assertFalse(noIndices.hasIndices());
            assertEquals(3, spy.poolCalls.get());
        }
    }

    // ---------------------------------------------------------------- closing

    @Test
    void closingTwiceClosesTheBackendOnceAndUseAfterCloseThrows() {
        SpyBackend spy = SpyBackend.counting();
        Clpool clpool = Clpool.using(spy);
        clpool.close();
        clpool.close();
        assertEquals(1, spy.closeCalls.get());
        Tensor x = ramp(1, 1, 4, 4);
        assertNames(assertThrows(IllegalStateException.class, () -> clpool.adaptiveAvgPool2d(x, OutputSize.of(2))),
                List.of("closed"));
        assertThrows(IllegalStateException.class, () -> clpool.adaptiveMaxPool2d(x, OutputSize.of(2)));
        assertThrows(IllegalStateException.class, () -> clpool.pool(x, AdaptivePool.max2d(OutputSize.of(2), false)));
        // Even an input that would be refused: the closed state is reported first.
        assertThrows(IllegalStateException.class, () -> clpool.adaptiveAvgPool2d(ramp(4), OutputSize.of(2)));
        assertEquals(0, spy.poolCalls.get());
    }

    @Test
    void javaEngineClosesTwiceAndThenRefuses() {
        Clpool clpool = Clpool.open(DeviceSelector.java());
        assertFalse(clpool.isOpenCl());
        assertTrue(clpool.device().startsWith("Java"), clpool.device());
        Tensor x = ramp(1, 1, 4, 4);
        assertEquals(Shape.of(1, 1, 2, 2), clpool.adaptiveAvgPool2d(x, OutputSize.of(2)).shape());
        clpool.close();
        clpool.close();
        assertThrows(IllegalStateException.class, () -> clpool.adaptiveAvgPool2d(x, OutputSize.of(2)));
    }
}
