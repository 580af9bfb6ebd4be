package dev.clpool.opencl;

import org.jocl.CL;
import org.jocl.cl_command_queue;

/** Owns an in-order {@code cl_command_queue} with profiling, so that kernel times can be read from events. */
final class ClQueue extends ClResource {
    final cl_command_queue handle;

    private ClQueue(cl_command_queue handle) {
        super(LiveObjects.Kind.QUEUE);
        this.handle = handle;
    }

    // clCreateCommandQueue is deprecated in OpenCL 2.0 but is the call that OpenCL 1.2 devices have.
    @SuppressWarnings("deprecation")
    static ClQueue create(ClContext context, ClDevice device) {
        cl_command_queue q = Cl.create("clCreateCommandQueue", "clCreateCommandQueue(" + device.info().name() + ")",
                err -> CL.clCreateCommandQueue(context.handle, device.id(), CL.CL_QUEUE_PROFILING_ENABLE, err));
        return new ClQueue(q);
    }

    void finish() {
        Cl.run("clFinish", "clFinish", () -> CL.clFinish(handle));
    }

    @Override
    int release() {
        return CL.clReleaseCommandQueue(handle);
    }
}
