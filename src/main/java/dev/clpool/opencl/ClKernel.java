package dev.clpool.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;

/**
 * Owns a {@code cl_kernel}. Kernel arguments are state, so one kernel object is used by one thread at
 * a time: callers create their own (creation is cheap next to a launch).
 */
final class ClKernel extends ClResource {
    final cl_kernel handle;
    final String name;

    private ClKernel(cl_kernel handle, String name) {
        super(LiveObjects.Kind.KERNEL);
        this.handle = handle;
        this.name = name;
    }

    static ClKernel create(ClProgram program, String name) {
        cl_kernel k = Cl.create("clCreateKernel", "clCreateKernel(" + name + ")",
                err -> CL.clCreateKernel(program.handle, name, err));
        return new ClKernel(k, name);
    }

    /** A buffer argument; {@code null} passes NULL, for a pointer the kernel does not use in this program. */
    ClKernel arg(int index, ClBuffer buffer) {
        return set(index, Sizeof.cl_mem, buffer == null ? null : Pointer.to(buffer.handle));
    }

    ClKernel arg(int index, long value) {
        return set(index, Sizeof.cl_long, Pointer.to(new long[] {value}));
    }

    /** A {@code __local} argument of {@code bytes} bytes. */
    ClKernel local(int index, long bytes) {
        return set(index, bytes, null);
    }

    private ClKernel set(int index, long size, Pointer value) {
        Cl.run("clSetKernelArg", "clSetKernelArg(" + name + ", " + index + ")",
                () -> CL.clSetKernelArg(handle, index, size, value));
        return this;
    }

    /** Enqueues a 1-d range of {@code globalSize} work-items, a multiple of {@code localSize}. */
    ClEvent launch(ClQueue queue, long globalSize, long localSize) {
        String op = "clEnqueueNDRangeKernel(" + name + ", " + globalSize + " work-items)";
        cl_event event = new cl_event();
        Cl.run("clEnqueueNDRangeKernel", op, () -> CL.clEnqueueNDRangeKernel(queue.handle, handle, 1, null,
                new long[] {globalSize}, new long[] {localSize}, 0, null, event));
        return ClEvent.own(event, op);
    }

    @Override
    int release() {
        return CL.clReleaseKernel(handle);
    }
}
