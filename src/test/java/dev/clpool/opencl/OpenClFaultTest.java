package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jocl.CL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 5.4: device faults injected at the OpenCL boundary ({@code Cl}'s fault hook): allocation
 * failure, out of resources, out of host memory (creating a kernel, and in a transfer), an invalid
 * command queue, a failed event, and build failures (opening, and rebuilding a lost session). For each
 * fault and each API call it can hit (host pooling, upload, device pooling, download):
 *
 * <ul>
 *   <li>the call throws a {@link ClException} whose message names the OpenCL status (name and code)
 *       and the operation;</li>
 *   <li>no kernel, event, context, queue or program made by the call is left, and once the engine and
 *       the caller's tensors are closed, no OpenCL object at all;</li>
 *   <li>the caller's data is untouched: host inputs and earlier host results keep their values; device
 *       tensors and results made before the fault keep theirs where the session survives, and are
 *       refused with a clear {@link IllegalStateException} (never read as garbage) where it was lost;</li>
 *   <li>the session (context, queue, program) is rebuilt exactly when the status says it is lost, and
 *       the next call succeeds with the right results.</li>
 * </ul>
 */
class OpenClFaultTest {
    static final Tensor X = tensor(2, 3, 11, 13, 1);
    /** Larger than anything the engine pooled before the fault: its buffers must be allocated afresh. */
    static final Tensor Z = tensor(3, 4, 40, 33, 2);
    static final AdaptivePool MAX = AdaptivePool.max2d(OutputSize.of(4, 5), true);
    /** For the device pooling under a fault: an output the engine has not allocated before. */
    static final AdaptivePool FRESH_MAX = AdaptivePool.max2d(OutputSize.of(23, 29), true);

    static Tensor tensor(long n, long c, long h, long w, int salt) {
        float[] x = new float[Math.toIntExact(n * c * h * w)];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7919L + salt * 104729L) % 2003) / 17f - 50;
        }
        x[5] = Float.NaN;
        return Tensor.of(x, n, c, h, w);
    }

    @BeforeEach
    void requireOpenCl() {
        TestDevices.openCl(); // skips without OpenCL, fails in CI
    }

    /** The API call a fault hits. */
    enum Api { HOST_POOL, UPLOAD, DEVICE_POOL, DOWNLOAD }

    /** A fault: where it strikes, with which status, whether the session is lost, and the calls it can hit. */
    enum Fault {
        ALLOCATION_FAILURE("every clCreateBuffer", CL.CL_MEM_OBJECT_ALLOCATION_FAILURE, false,
                EnumSet.of(Api.HOST_POOL, Api.UPLOAD, Api.DEVICE_POOL), () -> ClFaults.Rule.always("clCreateBuffer",
                        CL.CL_MEM_OBJECT_ALLOCATION_FAILURE)),
        OUT_OF_RESOURCES("the first kernel launch", CL.CL_OUT_OF_RESOURCES, true,
                EnumSet.of(Api.HOST_POOL, Api.DEVICE_POOL), () -> ClFaults.Rule.nth("clEnqueueNDRangeKernel", 0,
                        CL.CL_OUT_OF_RESOURCES)),
        OUT_OF_HOST_MEMORY("creating the kernel", CL.CL_OUT_OF_HOST_MEMORY, false,
                EnumSet.of(Api.HOST_POOL, Api.DEVICE_POOL), () -> ClFaults.Rule.nth("clCreateKernel", 0,
                        CL.CL_OUT_OF_HOST_MEMORY)),
        OUT_OF_HOST_MEMORY_IN_TRANSFER("the first transfer", CL.CL_OUT_OF_HOST_MEMORY, false,
                EnumSet.of(Api.HOST_POOL, Api.UPLOAD, Api.DOWNLOAD), () -> first(f -> f.equals("clEnqueueMapBuffer")
                        || f.equals("clEnqueueWriteBuffer") || f.equals("clEnqueueReadBuffer"), CL.CL_OUT_OF_HOST_MEMORY)),
        INVALID_COMMAND_QUEUE("the first enqueue", CL.CL_INVALID_COMMAND_QUEUE, true,
                EnumSet.allOf(Api.class), () -> first(f -> f.startsWith("clEnqueue"), CL.CL_INVALID_COMMAND_QUEUE)),
        FAILED_EVENT("the first wait for an event", CL.CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, true,
                EnumSet.allOf(Api.class), () -> first(f -> f.equals("clWaitForEvents"),
                        CL.CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST));

        final String where;
        final int status;
        final boolean losesSession;
        final Set<Api> hits;
        final java.util.function.Supplier<ClFaults.Rule> rule;

        Fault(String where, int status, boolean losesSession, Set<Api> hits, java.util.function.Supplier<ClFaults.Rule> rule) {
            this.where = where;
            this.status = status;
            this.losesSession = losesSession;
            this.hits = hits;
            this.rule = rule;
        }
    }

    /** Fails the first call, of any function that {@code which} accepts, with {@code status}. */
    static ClFaults.Rule first(java.util.function.Predicate<String> which, int status) {
        AtomicBoolean fired = new AtomicBoolean();
        return (f, n) -> which.test(f) && fired.compareAndSet(false, true) ? status : 0;
    }

    static final Set<LiveObjects.Kind> PER_CALL = EnumSet.of(LiveObjects.Kind.KERNEL, LiveObjects.Kind.EVENT);
    static final Set<LiveObjects.Kind> SESSION = EnumSet.of(LiveObjects.Kind.CONTEXT, LiveObjects.Kind.QUEUE,
            LiveObjects.Kind.PROGRAM);

    @TestFactory
    Stream<DynamicTest> everyFaultOnEveryCallItCanHit() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Fault fault : Fault.values()) {
            for (Api api : fault.hits) {
                tests.add(DynamicTest.dynamicTest(fault + " (" + fault.where + ") during " + api, () -> faultDuring(fault, api)));
            }
        }
        return tests.stream();
    }

    static void faultDuring(Fault fault, Api api) {
        String what = fault + " (" + fault.where + ", " + ClException.statusName(fault.status) + ") during " + api;
        Map<LiveObjects.Kind, Long> beforeOpen = LiveObjects.snapshot();
        Clpool clpool = Clpool.open(DeviceSelector.opencl());
        float[] xBefore = X.floats().clone();
        float[] zBefore = Z.floats().clone();
        PoolResult expected = TestDevices.java().pool(X, MAX);
        // What the caller holds when the fault strikes: a device tensor, a device result, a host result.
        DeviceTensor kept = clpool.upload(X);
        DevicePoolResult keptResult = clpool.pool(kept, MAX);
        PoolResult previous = clpool.pool(X, MAX);
        float[] previousValues = previous.values().floats().clone();
        long[] previousIndices = previous.indices().int64s().clone();

        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        Function<Clpool, Object> call = switch (api) {
            case HOST_POOL -> c -> c.pool(Z, MAX);
            case UPLOAD -> c -> c.upload(Z);
            case DEVICE_POOL -> c -> c.pool(kept, FRESH_MAX);
            case DOWNLOAD -> c -> c.download(keptResult.values());
        };
        ClFaults.Trace<Object> trace = ClFaults.run(fault.rule.get(), () -> call.apply(clpool));

        // The fault struck, and the call failed naming the status and the operation.
        List<ClFaults.Call> injected = trace.calls().stream().filter(c -> c.injected() != 0).toList();
        assertFalse(injected.isEmpty(), what + ": the fault never struck; calls: " + trace.functions());
        assertNotNull(trace.thrown(), what + ": the call succeeded despite the fault");
        ClException e = assertInstanceOf(ClException.class, trace.thrown(), what);
        assertEquals(fault.status, e.status(), what + ": " + e.getMessage());
        String function = injected.get(0).function();
        assertTrue(e.operation().startsWith(function + "("), what + ": the operation " + e.operation() + " names " + function);
        assertTrue(e.getMessage().contains(e.operation()) && e.getMessage().contains(ClException.statusName(fault.status))
                && e.getMessage().contains("(" + fault.status + ")"), what + ": " + e.getMessage());

        // Nothing the call made is left: kernels and events are gone, the session is replaced one for one.
        Map<LiveObjects.Kind, Long> after = LiveObjects.snapshot();
        for (LiveObjects.Kind k : LiveObjects.Kind.values()) {
            if (PER_CALL.contains(k) || SESSION.contains(k)) {
                assertEquals(before.get(k), after.get(k), what + ": live " + k + " objects, " + before + " then " + after);
            }
        }
        boolean rebuilt = trace.count("clCreateContext") > 0;
        System.out.println("[OpenClFaultTest] " + what + ": " + e.getMessage().lines().findFirst().orElse("")
                + (rebuilt ? "; session rebuilt" : ""));
        assertEquals(fault.losesSession, rebuilt, what + ": session rebuilt; calls: " + trace.functions());
        if (rebuilt) {
            assertEquals(1, trace.count("clCreateContext"), what);
            assertEquals(1, trace.count("clCreateCommandQueue"), what);
        }

        // The caller's data is untouched.
        assertArrayEquals(xBefore, X.floats(), what + ": the host input X");
        assertArrayEquals(zBefore, Z.floats(), what + ": the host input Z");
        assertArrayEquals(previousValues, previous.values().floats(), what + ": an earlier host result");
        assertArrayEquals(previousIndices, previous.indices().int64s(), what + ": an earlier host result's indices");
        if (fault.losesSession) {
            for (DeviceTensor t : List.of(kept, keptResult.values(), keptResult.indices())) {
                IllegalStateException stale = assertThrows(IllegalStateException.class, () -> clpool.download(t), what);
                assertTrue(stale.getMessage().contains("upload it again"), stale.getMessage());
            }
            assertThrows(IllegalStateException.class, () -> clpool.pool(kept, MAX), what);
        } else {
            assertArrayEquals(xBefore, clpool.download(kept).floats(), what + ": a device tensor made before the fault");
            TensorAssert.assertBitExact(expected.values(), clpool.download(keptResult.values()), what + ": a device result");
            TensorAssert.assertSameIndices(expected.indices(), clpool.download(keptResult.indices()), what + ": a device result");
        }

        // The next calls succeed, through both APIs.
        PoolResult next = clpool.pool(X, MAX);
        TensorAssert.assertBitExact(expected.values(), next.values(), what + ": the next host call");
        TensorAssert.assertSameIndices(expected.indices(), next.indices(), what + ": the next host call");
        PoolResult z = clpool.pool(Z, MAX);
        PoolResult zExpected = TestDevices.java().pool(Z, MAX);
        TensorAssert.assertBitExact(zExpected.values(), z.values(), what + ": the call that failed, again");
        try (DeviceTensor again = clpool.upload(X); DevicePoolResult r = clpool.pool(again, MAX)) {
            TensorAssert.assertBitExact(expected.values(), clpool.download(r.values()), what + ": the next device calls");
            TensorAssert.assertSameIndices(expected.indices(), clpool.download(r.indices()), what + ": the next device calls");
        }

        clpool.close();
        keptResult.close();
        kept.close();
        assertEquals(beforeOpen, LiveObjects.snapshot(), what + ": live OpenCL objects once the engine and the caller's tensors are closed");
    }

    @Test
    void theFaultsCoverEveryCallOfTheApi() {
        Set<Api> hit = EnumSet.noneOf(Api.class);
        for (Fault f : Fault.values()) {
            hit.addAll(f.hits);
        }
        assertEquals(EnumSet.allOf(Api.class), hit);
        assertTrue(Arrays.stream(Fault.values()).filter(f -> f.losesSession).count() >= 3);
    }

    // ---------------------------------------------------------------- build failures

    @Test
    void aBuildFailureWhenOpeningNamesTheStatusAndOperationLeaksNothingAndTheNextOpenWorks() {
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        ClFaults.Trace<Clpool> trace = ClFaults.run(ClFaults.Rule.always("clBuildProgram", CL.CL_BUILD_PROGRAM_FAILURE),
                () -> Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withCacheDir(null)));
        ProgramBuildException e = assertInstanceOf(ProgramBuildException.class, trace.thrown());
        assertEquals(CL.CL_BUILD_PROGRAM_FAILURE, e.status());
        assertTrue(e.getMessage().startsWith("clBuildProgram(pooling-float32-avg, ") && e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE (-11)"),
                e.getMessage());
        assertEquals(1, trace.count("clCreateContext"));
        assertEquals(before, LiveObjects.snapshot(), "live OpenCL objects after the failed open");
        try (Clpool next = Clpool.open(DeviceSelector.opencl())) {
            TensorAssert.assertBitExact(TestDevices.java().pool(X, MAX).values(), next.pool(X, MAX).values(), "the next open");
        }
        assertEquals(before, LiveObjects.snapshot());
    }

    @Test
    void aBuildFailureWhileRebuildingALostSessionLeaksNothingAndTheEngineStillWorks() {
        Map<LiveObjects.Kind, Long> beforeOpen = LiveObjects.snapshot();
        Clpool clpool = Clpool.open(DeviceSelector.opencl());
        PoolResult expected = TestDevices.java().pool(X, MAX);
        clpool.pool(X, MAX);
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        ClFaults.Rule lostThenNoBuild = ClFaults.Rule.nth("clEnqueueNDRangeKernel", 0, CL.CL_INVALID_COMMAND_QUEUE)
                .or(ClFaults.Rule.always("clBuildProgram", CL.CL_BUILD_PROGRAM_FAILURE));
        ClFaults.Trace<PoolResult> trace = ClFaults.run(lostThenNoBuild, () -> clpool.pool(X, MAX));
        ClException e = assertInstanceOf(ClException.class, trace.thrown());
        assertEquals(CL.CL_INVALID_COMMAND_QUEUE, e.status(), e.getMessage());
        assertTrue(trace.injected("clBuildProgram") >= 1, "the rebuild was tried: " + trace.functions());
        Throwable[] suppressed = e.getSuppressed();
        assertEquals(1, suppressed.length, "the failed rebuild travels with the failure: " + Arrays.toString(suppressed));
        assertInstanceOf(ProgramBuildException.class, suppressed[0]);
        assertTrue(suppressed[0].getMessage().contains("clBuildProgram(pooling") && suppressed[0].getMessage().contains("CL_BUILD_PROGRAM_FAILURE"),
                suppressed[0].getMessage());
        Map<LiveObjects.Kind, Long> after = LiveObjects.snapshot();
        for (LiveObjects.Kind k : LiveObjects.Kind.values()) {
            if (k != LiveObjects.Kind.BUFFER) {
                assertEquals(before.get(k), after.get(k), "live " + k + ": the failed rebuild released what it made");
            }
        }
        PoolResult next = clpool.pool(X, MAX);
        TensorAssert.assertBitExact(expected.values(), next.values(), "the next call");
        TensorAssert.assertSameIndices(expected.indices(), next.indices(), "the next call");
        // A later loss rebuilds the session normally.
        ClFaults.Trace<PoolResult> lost = ClFaults.run(ClFaults.Rule.nth("clEnqueueNDRangeKernel", 0, CL.CL_INVALID_COMMAND_QUEUE),
                () -> clpool.pool(X, MAX));
        assertNotNull(lost.thrown());
        assertEquals(1, lost.count("clCreateContext"));
        TensorAssert.assertBitExact(expected.values(), clpool.pool(X, MAX).values(), "after a rebuild");
        clpool.close();
        assertEquals(beforeOpen, LiveObjects.snapshot());
    }
}
