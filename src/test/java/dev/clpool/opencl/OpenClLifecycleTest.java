package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jocl.CL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Opening, closing and failing on an OpenCL device: every OpenCL object clpool creates is released, on
 * close and on every failure path (a failure injected at each OpenCL call a pooling makes, and at each
 * step of opening), and every failure names the OpenCL call and status.
 */
class OpenClLifecycleTest {
    static final Tensor X = input();
    static final OutputSize SIZE = OutputSize.of(3, 4);

    static Tensor input() {
        float[] x = new float[2 * 3 * 7 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 37 % 101) - 50.5f;
        }
        return Tensor.of(x, 2, 3, 7, 9);
    }

    @BeforeEach
    void requireOpenCl() {
        TestDevices.openCl(); // skips here, or fails in CI, without OpenCL
    }

    static void assertNoLeak(Map<LiveObjects.Kind, Long> before, String after) {
        assertEquals(before, LiveObjects.snapshot(), "live OpenCL objects after " + after);
    }

    /**
     * Nothing created by a failed call is left: the same context, queue and program count as before
     * (a rebuilt session replaces them one for one), and no more buffers, kernels or events (a rebuild
     * also frees the engine's idle buffers).
     */
    static void assertNothingLeftBehind(Map<LiveObjects.Kind, Long> before, String after) {
        assertNothingLeftBehind(before, after, 0);
    }

    /** As above, but {@code tables} more buffers may remain: bin tables the engine keeps for the plans it has seen. */
    static void assertNothingLeftBehind(Map<LiveObjects.Kind, Long> before, String after, int tables) {
        Map<LiveObjects.Kind, Long> now = LiveObjects.snapshot();
        for (LiveObjects.Kind k : LiveObjects.Kind.values()) {
            boolean session = k == LiveObjects.Kind.CONTEXT || k == LiveObjects.Kind.QUEUE || k == LiveObjects.Kind.PROGRAM;
            long allowed = before.get(k) + (k == LiveObjects.Kind.BUFFER ? tables : 0);
            assertTrue(session ? now.get(k).equals(before.get(k)) : now.get(k) <= allowed,
                    "live OpenCL " + k + " objects after " + after + ": " + before + " then " + now);
        }
    }

    @Test
    void openingCreatesAContextQueueAndProgramAndClosingReleasesThemOnce() {
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        Clpool clpool = Clpool.open(DeviceSelector.auto());
        assertTrue(clpool.isOpenCl(), "auto picks OpenCL where there is a device: " + clpool.device());
        assertTrue(clpool.device().startsWith("OpenCL: "), clpool.device());
        for (LiveObjects.Kind k : List.of(LiveObjects.Kind.CONTEXT, LiveObjects.Kind.QUEUE, LiveObjects.Kind.PROGRAM)) {
            assertEquals(before.get(k) + 1, LiveObjects.count(k), k.toString());
        }
        assertEquals(before.get(LiveObjects.Kind.BUFFER), LiveObjects.count(LiveObjects.Kind.BUFFER));

        PoolResult r = clpool.adaptiveMaxPool2d(X, SIZE);
        PoolResult expected = TestDevices.java().adaptiveMaxPool2d(X, SIZE);
        TensorAssert.assertBitExact(expected.values(), r.values(), "second engine");

        clpool.close();
        assertNoLeak(before, "close");
        clpool.close();
        assertNoLeak(before, "a second close (no double release)");
        List<String> calls = ClCalls.during(() ->
                assertThrows(IllegalStateException.class, () -> clpool.adaptiveAvgPool2d(X, SIZE)));
        assertEquals(List.of(), calls, "a closed engine makes no OpenCL call");
    }

    @Test
    void aMissingDeviceIsReportedWithTheDevicesThereAre() {
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        String someName = OpenClDevices.list().get(0).name();
        OpenClUnavailableException e = assertThrows(OpenClUnavailableException.class,
                () -> Clpool.open("no-such-device-zz9"));
        assertTrue(e.getMessage().contains("'no-such-device-zz9'") && e.getMessage().contains(someName), e.getMessage());
        e = assertThrows(OpenClUnavailableException.class, () -> Clpool.open(new DeviceSelector.Indexed(99, 0)));
        assertTrue(e.getMessage().contains("99:0") && e.getMessage().contains(someName), e.getMessage());
        assertNoLeak(before, "refused opens");
    }

    @Test
    void aFailedBuildNamesTheCallAndOptionsAndLeaksNothing() {
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        ProgramBuildException[] thrown = new ProgramBuildException[1];
        ClCalls.failing("clBuildProgram", 0, CL.CL_BUILD_PROGRAM_FAILURE, () ->
                thrown[0] = assertThrows(ProgramBuildException.class, OpenClLifecycleTest::openUncached));
        ProgramBuildException e = thrown[0];
        assertTrue(e.getMessage().contains("clBuildProgram(pooling") && e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"),
                e.getMessage());
        assertTrue(e.options().contains("-cl-std=CL1.2"), e.options());
        assertFalse(e.options().contains("fast-relaxed-math"), "no fast math: it assumes no NaN or inf: " + e.options());
        assertEquals(CL.CL_BUILD_PROGRAM_FAILURE, e.status());
        assertNoLeak(before, "a failed build");
    }

    @Test
    void aFailureAtEachStepOfOpeningLeaksNothing() {
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        for (String function : List.of("clCreateContext", "clCreateCommandQueue", "clCreateProgramWithSource")) {
            ClException[] thrown = new ClException[1];
            ClCalls.failing(function, 0, CL.CL_OUT_OF_HOST_MEMORY, () ->
                    thrown[0] = assertThrows(ClException.class, OpenClLifecycleTest::openUncached, function));
            assertTrue(thrown[0].operation().startsWith(function), thrown[0].operation());
            assertEquals("CL_OUT_OF_HOST_MEMORY", thrown[0].statusName());
            assertTrue(thrown[0].getMessage().contains(function) && thrown[0].getMessage().contains("CL_OUT_OF_HOST_MEMORY (-6)"),
                    thrown[0].getMessage());
            assertNoLeak(before, "a failed " + function);
        }
    }

    /** Opens the automatic OpenCL device building from source: the program cache would skip those calls. */
    static Clpool openUncached() {
        return Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withCacheDir(null));
    }

    @Test
    void aFailureAtEachOpenClCallOfAPoolingLeaksNothingAndTheEngineStillWorks() {
        Clpool clpool = TestDevices.openCl();
        clpool.adaptiveMaxPool2d(X, SIZE); // fills the engine's buffer pool and bin tables, which outlive a call
        List<String> failed = failEachCall(() -> clpool, clpool);
        assertTrue(failed.contains("clEnqueueNDRangeKernel#0") && failed.contains("clCreateKernel#0")
                && failed.contains("clWaitForEvents#0"), failed.toString());
        assertTrue(failed.contains("clEnqueueReadBuffer#0") || failed.contains("clEnqueueMapBuffer#1"),
                "the results are read back: " + failed);
    }

    /**
     * The first pooling of a plan also uploads its bin table, which later poolings of the plan reuse: each
     * engine here has built its max program (pooling another size) but not seen this plan.
     */
    @Test
    void aFailureAtEachOpenClCallOfAFirstPoolingLeaksNothing() {
        TestDevices.openCl();
        List<Clpool> opened = new ArrayList<>();
        try {
            List<String> failed = failEachCall(() -> {
                Clpool fresh = Clpool.open(DeviceSelector.opencl());
                opened.add(fresh);
                fresh.adaptiveMaxPool2d(X, OutputSize.of(2, 2));
                return fresh;
            }, null);
            assertTrue(failed.contains("clCreateBuffer#0") && failed.contains("clEnqueueNDRangeKernel#0"), failed.toString());
        } finally {
            opened.forEach(Clpool::close);
        }
    }

    /**
     * Fails every (function, occurrence) of one max pooling's OpenCL calls (as traced on {@code traced},
     * or on an engine of {@code engines} when null) in turn, each on the engine {@code engines} gives, and
     * checks that it throws that failure (or recovers from it with the right bits), leaves nothing behind
     * but the plan's bin table on an engine that had not seen the plan, and that the engine then pools the
     * Java path's bits. Returns the calls that threw.
     */
    private static List<String> failEachCall(Supplier<Clpool> engines, Clpool traced) {
        PoolResult expected = TestDevices.java().adaptiveMaxPool2d(X, SIZE);
        Clpool first = traced != null ? traced : engines.get();
        List<String> calls = ClCalls.during(() -> first.adaptiveMaxPool2d(X, SIZE));
        assertTrue(calls.size() >= 8, "calls of one pooling: " + calls);
        Map<String, Integer> occurrences = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (String function : calls) {
            int nth = occurrences.merge(function, 1, Integer::sum) - 1;
            Clpool clpool = engines.get();
            Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
            PoolResult[] recovered = new PoolResult[1];
            ClException[] thrown = new ClException[1];
            ClCalls.failing(function, nth, CL.CL_OUT_OF_RESOURCES, () -> {
                try {
                    recovered[0] = clpool.adaptiveMaxPool2d(X, SIZE);
                } catch (ClException e) {
                    thrown[0] = e;
                }
            });
            if (thrown[0] != null) {
                assertEquals(CL.CL_OUT_OF_RESOURCES, thrown[0].status());
                assertTrue(thrown[0].operation().startsWith(function + "("), thrown[0].operation());
                failed.add(function + "#" + nth);
            } else {
                // An allocation the buffer pool retried after freeing its idle buffers: the call succeeded.
                TensorAssert.assertBitExact(expected.values(), recovered[0].values(), "recovered from " + function + " #" + nth);
            }
            assertNothingLeftBehind(before, "failing " + function + " #" + nth, traced == null ? 1 : 0);
            PoolResult after = clpool.adaptiveMaxPool2d(X, SIZE);
            TensorAssert.assertBitExact(expected.values(), after.values(), "after failing " + function + " #" + nth);
            TensorAssert.assertSameIndices(expected.indices(), after.indices(), "after failing " + function + " #" + nth);
        }
        return failed;
    }
}
