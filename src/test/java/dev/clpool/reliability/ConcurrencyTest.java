package dev.clpool.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.opencl.ClFaults;
import dev.clpool.opencl.LiveObjects;
import dev.clpool.reliability.Workload.Api;
import dev.clpool.reliability.Workload.Job;
import dev.clpool.reliability.Workload.Outcome;
import dev.clpool.testing.LaunchLog;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.Slow;
import dev.clpool.testing.TestDevices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One engine shared by 8 threads, each making 500 mixed calls (avg, max with and without indices; shapes
 * that reach every kernel family; float16, bfloat16, float64, channels last and direct memory; pyramids
 * and backward passes; host and device APIs), gives exactly, bit for bit, what the same calls give one at
 * a time; and on OpenCL no kernel object is used by a thread other
 * than the one that created it (each call creates, uses and releases its own). The slow variant
 * ({@code -Dclpool.test.slow=true}) makes 5,000 calls per thread.
 */
class ConcurrencyTest {
    static final int THREADS = 8;
    static final int CALLS_PER_THREAD = Slow.pick(500, 5000);

    /** The calls of one concurrent run and their single-threaded results. */
    record Run(List<Job> jobs, int[][] calls, Outcome[] expected, Map<Thread, Integer> poolingsPerThread,
               List<String> mismatches) {
    }

    /** Thread t's call c is the pair {@code calls[t][c]}: job {@code pair / 2} through API {@code pair % 2}. */
    static Run concurrentRun(Clpool clpool, long seed) throws Exception {
        List<Job> jobs = Workload.jobs(seed);
        Api[] apis = Api.values();
        int pairs = jobs.size() * apis.length;
        Outcome[] expected = new Outcome[pairs];
        for (int k = 0; k < pairs; k++) {
            expected[k] = jobs.get(k / apis.length).run(clpool, apis[k % apis.length]);
        }
        Random r = new Random(seed);
        int[][] calls = new int[THREADS][CALLS_PER_THREAD];
        for (int[] thread : calls) {
            for (int c = 0; c < thread.length; c++) {
                thread[c] = r.nextInt(pairs);
            }
        }
        Map<Thread, Integer> poolings = new HashMap<>();
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int c = 0; c < CALLS_PER_THREAD; c++) {
                        int k = calls[id][c];
                        Outcome got = jobs.get(k / apis.length).run(clpool, apis[k % apis.length]);
                        if (!got.sameAs(expected[k])) {
                            mismatches.add("thread " + id + ", call " + c + " (" + jobs.get(k / apis.length) + " via "
                                    + apis[k % apis.length] + "): " + got.differenceFrom(expected[k]));
                        }
                    }
                } catch (Throwable e) {
                    mismatches.add("thread " + id + " failed: " + e);
                }
            }, "clpool-concurrency-" + t);
            poolings.put(thread, CALLS_PER_THREAD);
            threads.add(thread);
        }
        ClFaults.Trace<Void> trace = ClFaults.record(() -> {
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return null;
        });
        List<String> problems = new ArrayList<>(mismatches);
        if (clpool.isOpenCl()) {
            problems.addAll(kernelOwnership(trace, poolings));
        }
        return new Run(jobs, calls, expected, poolings, problems);
    }

    /**
     * From the trace of every OpenCL call and its thread: each thread created exactly one kernel per
     * pooling it made, and set arguments of and launched kernels only after creating one itself. So no
     * kernel object (whose arguments are state) is ever shared between threads.
     */
    static List<String> kernelOwnership(ClFaults.Trace<Void> trace, Map<Thread, Integer> poolings) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Thread, Integer> e : poolings.entrySet()) {
            Thread t = e.getKey();
            int created = 0;
            int launched = 0;
            for (ClFaults.Call call : trace.calls()) {
                if (call.thread() != t) {
                    continue;
                }
                switch (call.function()) {
                    case "clCreateKernel" -> created++;
                    case "clSetKernelArg", "clEnqueueNDRangeKernel" -> {
                        if (created == 0) {
                            problems.add(t.getName() + " called " + call.function() + " on a kernel it did not create");
                        }
                        launched += call.function().equals("clEnqueueNDRangeKernel") ? 1 : 0;
                    }
                    default -> { }
                }
            }
            if (created != e.getValue() || launched < created) {
                problems.add(t.getName() + " made " + e.getValue() + " poolings but created " + created
                        + " kernels and launched " + launched + ": kernels are not one per call");
            }
        }
        long foreign = trace.calls().stream().filter(c -> c.function().equals("clCreateKernel")
                && !poolings.containsKey(c.thread())).count();
        if (foreign != 0) {
            problems.add(foreign + " kernels were created by threads other than the callers'");
        }
        return problems;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void eightThreadsOnOneEngineGiveTheSingleThreadedResults(TestDevices.EngineSource engine) throws Exception {
        Clpool clpool = engine.get();
        long seed = Seeds.seed("ConcurrencyTest");
        for (Job job : Workload.jobs(seed)) {
            job.run(clpool, Api.HOST); // builds the programs the workload needs, which the engine then keeps
        }
        Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
        long start = System.nanoTime();
        Run run = concurrentRun(clpool, seed);
        System.out.printf("[ConcurrencyTest] %s: %d threads x %d calls in %.1f s%n", clpool.device(), THREADS,
                CALLS_PER_THREAD, (System.nanoTime() - start) / 1e9);
        assertEquals(List.of(), run.mismatches().stream().limit(20).toList(),
                Seeds.describe(seed) + ": " + run.mismatches().size() + " problems under concurrency on " + clpool.device());
        if (clpool.isOpenCl()) {
            Map<LiveObjects.Kind, Long> after = LiveObjects.snapshot();
            for (LiveObjects.Kind k : List.of(LiveObjects.Kind.KERNEL, LiveObjects.Kind.EVENT, LiveObjects.Kind.CONTEXT,
                    LiveObjects.Kind.QUEUE, LiveObjects.Kind.PROGRAM)) {
                assertEquals(before.get(k), after.get(k), "live " + k + " objects after the concurrent run");
            }
        }
    }

    @Test
    void theKernelOwnershipCheckFlagsAKernelUsedByAnotherThread() {
        // The check above is not vacuous: a trace where one thread sets arguments of a kernel that only
        // another thread created, or creates fewer kernels than it pools, is reported.
        Thread a = new Thread("a");
        Thread b = new Thread("b");
        List<ClFaults.Call> shared = List.of(new ClFaults.Call("clCreateKernel", a, 0),
                new ClFaults.Call("clSetKernelArg", b, 0), new ClFaults.Call("clEnqueueNDRangeKernel", b, 0),
                new ClFaults.Call("clSetKernelArg", a, 0), new ClFaults.Call("clEnqueueNDRangeKernel", a, 0));
        List<String> problems = kernelOwnership(new ClFaults.Trace<>(shared, null, null), Map.of(a, 1, b, 1));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("b called clSetKernelArg on a kernel it did not create")),
                problems.toString());
        List<String> cached = List.of("clCreateKernel", "clSetKernelArg", "clEnqueueNDRangeKernel", "clSetKernelArg",
                "clEnqueueNDRangeKernel");
        problems = kernelOwnership(new ClFaults.Trace<>(cached.stream().map(f -> new ClFaults.Call(f, a, 0)).toList(), null, null),
                Map.of(a, 2));
        assertTrue(problems.stream().anyMatch(p -> p.contains("created 1 kernels")), problems.toString());
    }

    @Test
    void theWorkloadRunsTheKernelsTheGuaranteesName() throws Exception {
        // docs/guarantees.md: the concurrent workload reaches these kernels under the automatic choice (a
        // forced -Dclpool.kernel reaches one kernel by design). Checked twice: the registry's answer for
        // every job, and the launch lines of a run of every job, so that a kernel that stopped running fails.
        Clpool clpool = TestDevices.openCl();
        Assumptions.assumeTrue(System.getProperty("clpool.kernel", "auto").equals("auto"), "a kernel is forced with -Dclpool.kernel");
        boolean gpu = clpool.openClDevices().get(0).isGpu();
        Set<String> promised = gpu
                ? Set.of("copy", "segments", "tiled", "cell", "pyramid_staged", "backward_gather")
                : Set.of("copy", "planes", "cell", "channels_last_blocks", "pyramid_planes", "backward_gather");
        Set<String> chosen = new TreeSet<>();
        List<Job> jobs = Workload.jobs(1);
        for (Job job : jobs) {
            chosen.add(job.kernelOn(clpool));
        }
        assertTrue(chosen.containsAll(promised), "kernels the workload gets on " + clpool.device() + ": " + chosen);
        try (LaunchLog log = LaunchLog.capture()) {
            for (Job job : jobs) {
                job.run(clpool, Api.HOST);
            }
            Set<String> ran = log.kernelsOn(clpool.openClDevices().get(0).describe());
            assertTrue(ran.containsAll(promised), "kernels that ran on " + clpool.device() + ": " + ran);
        }
    }
}
