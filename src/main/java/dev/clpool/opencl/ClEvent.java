package dev.clpool.opencl;

import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/** Owns a {@code cl_event}: completion, and the command's device time from the profiling queue. */
final class ClEvent extends ClResource {
    final cl_event handle;
    private final String operation;

    private ClEvent(cl_event handle, String operation) {
        super(LiveObjects.Kind.EVENT);
        this.handle = handle;
        this.operation = operation;
    }

    /** Takes ownership of the event a successful enqueue returned. */
    static ClEvent own(cl_event handle, String operation) {
        return new ClEvent(handle, operation);
    }

    /** Waits for the command; a command that failed on the device raises its status. */
    void await() {
        Cl.run("clWaitForEvents", "clWaitForEvents(" + operation + ")", () -> CL.clWaitForEvents(1, new cl_event[] {handle}));
        int[] status = {0};
        Cl.run("clGetEventInfo", "clGetEventInfo(" + operation + ")", () -> CL.clGetEventInfo(handle,
                CL.CL_EVENT_COMMAND_EXECUTION_STATUS, Sizeof.cl_int, Pointer.to(status), null));
        if (status[0] < 0) {
            throw new ClException(status[0], operation);
        }
    }

    /** The command's run time on the device in nanoseconds (start to end); waits for it first. */
    long deviceNanos() {
        await();
        return profile(CL.CL_PROFILING_COMMAND_END) - profile(CL.CL_PROFILING_COMMAND_START);
    }

    /** The device time of all {@code events}, waiting for each. */
    static long totalDeviceNanos(List<ClEvent> events) {
        long nanos = 0;
        for (ClEvent e : events) {
            nanos += e.deviceNanos();
        }
        return nanos;
    }

    private long profile(int param) {
        long[] t = {0};
        Cl.run("clGetEventProfilingInfo", "clGetEventProfilingInfo(" + operation + ")",
                () -> CL.clGetEventProfilingInfo(handle, param, Sizeof.cl_ulong, Pointer.to(t), null));
        return t[0];
    }

    @Override
    int release() {
        return CL.clReleaseEvent(handle);
    }
}
