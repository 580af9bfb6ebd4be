package dev.clpool.opencl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * For tests outside this package: a recorder and fault injector at {@code Cl}'s OpenCL boundary, more
 * general than {@link ClCalls}. While {@link #run} runs, every OpenCL call clpool makes is recorded
 * with the thread that made it, and a {@link Rule} may fail any of them with a status instead of
 * calling it.
 */
public final class ClFaults {
    /** One OpenCL call: the function, the thread that made it, and the status injected (0: none). */
    public record Call(String function, Thread thread, int injected) {
    }

    /** Decides a status to fail a call with (0: let it run), given the function and its occurrence from 0. */
    @FunctionalInterface
    public interface Rule {
        int statusFor(String function, int occurrence);

        /** Fails nothing: record only. */
        Rule NONE = (f, n) -> 0;

        /** Fails every call of {@code function} with {@code status}. */
        static Rule always(String function, int status) {
            return (f, n) -> f.equals(function) ? status : 0;
        }

        /** Fails the {@code nth} call (from 0) of {@code function} with {@code status}. */
        static Rule nth(String function, int nth, int status) {
            return (f, n) -> f.equals(function) && n == nth ? status : 0;
        }

        /** This rule's status where it has one, else {@code other}'s. */
        default Rule or(Rule other) {
            return (f, n) -> {
                int s = statusFor(f, n);
                return s != 0 ? s : other.statusFor(f, n);
            };
        }
    }

    /** What a run recorded, and what the action returned or threw. */
    public record Trace<T>(List<Call> calls, T result, RuntimeException thrown) {
        /** The functions called, in order. */
        public List<String> functions() {
            return calls.stream().map(Call::function).toList();
        }

        /** How many times {@code function} was called (injected failures included). */
        public long count(String function) {
            return calls.stream().filter(c -> c.function().equals(function)).count();
        }

        /** The calls of {@code function} that got an injected failure. */
        public long injected(String function) {
            return calls.stream().filter(c -> c.function().equals(function) && c.injected() != 0).count();
        }
    }

    private ClFaults() {
    }

    /** Runs {@code action} under {@code rule}, recording every OpenCL call; never throws what the action throws. */
    public static <T> Trace<T> run(Rule rule, Supplier<T> action) {
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        Cl.injectFaults(function -> {
            int n = seen.computeIfAbsent(function, k -> new AtomicInteger()).getAndIncrement();
            int status = rule.statusFor(function, n);
            calls.add(new Call(function, Thread.currentThread(), status));
            return status;
        });
        T result = null;
        RuntimeException thrown = null;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            Cl.clearFaults();
        }
        synchronized (calls) {
            return new Trace<>(List.copyOf(calls), result, thrown);
        }
    }

    /** Records the calls of {@code action}, which must succeed. */
    public static <T> Trace<T> record(Supplier<T> action) {
        Trace<T> t = run(Rule.NONE, action);
        if (t.thrown() != null) {
            throw t.thrown();
        }
        return t;
    }
}
