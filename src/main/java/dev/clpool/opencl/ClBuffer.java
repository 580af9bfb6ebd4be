package dev.clpool.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/** Owns a {@code cl_mem} buffer of a known size. */
final class ClBuffer extends ClResource {
    final cl_mem handle;
    final long bytes;
    private final String name;

    private ClBuffer(cl_mem handle, long bytes, String name) {
        super(LiveObjects.Kind.BUFFER);
        this.handle = handle;
        this.bytes = bytes;
        this.name = name;
    }

    /** A buffer of {@code bytes} bytes; {@code name} says what it holds, for error messages. */
    static ClBuffer allocate(ClContext context, long flags, long bytes, String name) {
        return create(context, flags, bytes, null, name);
    }

    /** A buffer initialised from host memory during creation ({@code CL_MEM_COPY_HOST_PTR}). */
    static ClBuffer copyOf(ClContext context, long flags, Pointer host, long bytes, String name) {
        return create(context, flags | CL.CL_MEM_COPY_HOST_PTR, bytes, host, name);
    }

    private static ClBuffer create(ClContext context, long flags, long bytes, Pointer host, String name) {
        cl_mem m = Cl.create("clCreateBuffer", "clCreateBuffer(" + name + ", " + bytes + " bytes)",
                err -> CL.clCreateBuffer(context.handle, flags, bytes, host, err));
        return new ClBuffer(m, bytes, name);
    }

    /** Blocking read of {@code bytes} bytes from offset 0 into host memory. */
    void read(ClQueue queue, Pointer host, long bytes) {
        Cl.run("clEnqueueReadBuffer", "clEnqueueReadBuffer(" + name + ", " + bytes + " bytes)",
                () -> CL.clEnqueueReadBuffer(queue.handle, handle, CL.CL_TRUE, 0, bytes, host, 0, null, null));
    }

    @Override
    int release() {
        return CL.clReleaseMemObject(handle);
    }
}
