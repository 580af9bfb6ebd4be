package dev.clpool.opencl;

import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;

/** Owns a {@code cl_context} for one device. */
final class ClContext extends ClResource {
    final cl_context handle;

    private ClContext(cl_context handle) {
        super(LiveObjects.Kind.CONTEXT);
        this.handle = handle;
    }

    static ClContext create(ClDevice device) {
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, device.platform());
        cl_context c = Cl.create("clCreateContext", "clCreateContext(" + device.info().name() + ")",
                err -> CL.clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, err));
        return new ClContext(c);
    }

    @Override
    int release() {
        return CL.clReleaseContext(handle);
    }
}
