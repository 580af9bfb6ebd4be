package dev.clpool.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_event;
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

    /** A buffer over host memory that must outlive it ({@code CL_MEM_USE_HOST_PTR}): on a device sharing host memory, no copy. */
    static ClBuffer over(ClContext context, long flags, Pointer host, long bytes, String name) {
        return create(context, flags | CL.CL_MEM_USE_HOST_PTR, bytes, host, name);
    }

    private static ClBuffer create(ClContext context, long flags, long bytes, Pointer host, String name) {
        cl_mem m = Cl.create("clCreateBuffer", "clCreateBuffer(" + name + ", " + bytes + " bytes)",
                err -> CL.clCreateBuffer(context.handle, flags, bytes, host, err));
        return new ClBuffer(m, bytes, name);
    }

    /** Enqueues a write of {@code count} bytes from host memory that stays valid until the event completes. */
    ClEvent writeAsync(ClQueue queue, long offset, long count, Pointer host) {
        return transferAsync(queue, true, offset, count, host);
    }

    /** Enqueues a read of {@code count} bytes into host memory that stays valid until the event completes. */
    ClEvent readAsync(ClQueue queue, long offset, long count, Pointer host) {
        return transferAsync(queue, false, offset, count, host);
    }

    private ClEvent transferAsync(ClQueue queue, boolean write, long offset, long count, Pointer host) {
        String function = write ? "clEnqueueWriteBuffer" : "clEnqueueReadBuffer";
        String op = function + "(" + name + ", " + count + " bytes at " + offset + ")";
        cl_event event = new cl_event();
        Cl.run(function, op, () -> write
                ? CL.clEnqueueWriteBuffer(queue.handle, handle, CL.CL_FALSE, offset, count, host, 0, null, event)
                : CL.clEnqueueReadBuffer(queue.handle, handle, CL.CL_FALSE, offset, count, host, 0, null, event));
        return ClEvent.own(event, op);
    }

    /** Enqueues a device-side copy of the first {@code count} bytes into {@code target}. */
    ClEvent copyTo(ClQueue queue, ClBuffer target, long count) {
        String op = "clEnqueueCopyBuffer(" + name + " to " + target.name + ", " + count + " bytes)";
        cl_event event = new cl_event();
        Cl.run("clEnqueueCopyBuffer", op,
                () -> CL.clEnqueueCopyBuffer(queue.handle, handle, target.handle, 0, 0, count, 0, null, event));
        return ClEvent.own(event, op);
    }

    /** Blocking read of {@code count} bytes from offset 0, e.g. into a Java array. */
    void read(ClQueue queue, Pointer host, long count) {
        Cl.run("clEnqueueReadBuffer", "clEnqueueReadBuffer(" + name + ", " + count + " bytes)",
                () -> CL.clEnqueueReadBuffer(queue.handle, handle, CL.CL_TRUE, 0, count, host, 0, null, null));
    }

    /** Blocking write of {@code count} bytes to offset 0, e.g. from a Java array. */
    void write(ClQueue queue, Pointer host, long count) {
        Cl.run("clEnqueueWriteBuffer", "clEnqueueWriteBuffer(" + name + ", " + count + " bytes)",
                () -> CL.clEnqueueWriteBuffer(queue.handle, handle, CL.CL_TRUE, 0, count, host, 0, null, null));
    }

    /** Maps a region for host access (blocking) and returns it in native byte order. */
    ByteBuffer map(ClQueue queue, long flags, long offset, long count) {
        ByteBuffer mapped = Cl.create("clEnqueueMapBuffer", "clEnqueueMapBuffer(" + name + ", " + count + " bytes)",
                err -> CL.clEnqueueMapBuffer(queue.handle, handle, CL.CL_TRUE, flags, offset, count, 0, null, null, err));
        return mapped.order(ByteOrder.nativeOrder());
    }

    /** Unmaps a region {@link #map} returned and waits until the device sees the host's writes. */
    void unmap(ClQueue queue, ByteBuffer mapped) {
        String op = "clEnqueueUnmapMemObject(" + name + ")";
        cl_event event = new cl_event();
        Cl.run("clEnqueueUnmapMemObject", op,
                () -> CL.clEnqueueUnmapMemObject(queue.handle, handle, mapped, 0, null, event));
        try (ClEvent e = ClEvent.own(event, op)) {
            e.await();
        }
    }

    @Override
    int release() {
        return CL.clReleaseMemObject(handle);
    }
}
