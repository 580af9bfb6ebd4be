package dev.clpool.opencl;

import java.util.function.Function;
import java.util.function.IntSupplier;
import org.jocl.CL;

/**
 * Every JOCL call clpool makes goes through here: the status is checked and turned into a
 * {@link ClException} naming the operation, and tests can inject a failing status at this boundary.
 * JOCL's JVM-global exception switch is left alone.
 */
final class Cl {
    /** Decides, per OpenCL function name, a status to fail with instead of calling it (0: call it). */
    @FunctionalInterface
    interface FaultInjector {
        int statusFor(String function);
    }

    private static final FaultInjector NO_FAULTS = function -> CL.CL_SUCCESS;
    private static volatile FaultInjector faults = NO_FAULTS;

    private Cl() {
    }

    /** For tests: fail calls as {@code injector} says, until {@link #clearFaults()}. */
    static void injectFaults(FaultInjector injector) {
        faults = injector;
    }

    static void clearFaults() {
        faults = NO_FAULTS;
    }

    /** The status a test wants {@code function} to fail with, or 0. */
    static int injectedStatus(String function) {
        return faults.statusFor(function);
    }

    /** Runs a call that returns a status, e.g. {@code clEnqueueReadBuffer}. */
    static void run(String function, String operation, IntSupplier call) {
        int status = faults.statusFor(function);
        if (status == CL.CL_SUCCESS) {
            status = call.getAsInt();
        }
        check(status, operation);
    }

    /** Runs a call that creates an object and reports its status through {@code errcode_ret}. */
    static <T> T create(String function, String operation, Function<int[], T> call) {
        int injected = faults.statusFor(function);
        check(injected, operation);
        int[] status = {CL.CL_SUCCESS};
        T object = call.apply(status);
        check(status[0], operation);
        if (object == null) {
            throw new ClException(CL.CL_INVALID_VALUE, operation, "the call returned no object");
        }
        return object;
    }

    static void check(int status, String operation) {
        if (status != CL.CL_SUCCESS) {
            throw new ClException(status, operation);
        }
    }
}
