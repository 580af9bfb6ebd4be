package dev.clpool.opencl;

import java.nio.charset.StandardCharsets;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/** Owns a {@code cl_program} built for one device. */
final class ClProgram extends ClResource {
    final cl_program handle;
    final String name;

    private ClProgram(cl_program handle, String name) {
        super(LiveObjects.Kind.PROGRAM);
        this.handle = handle;
        this.name = name;
    }

    /**
     * Compiles {@code source} for {@code device}.
     *
     * @throws ProgramBuildException with the device's build log and the options when it does not build
     */
    static ClProgram build(ClContext context, ClDevice device, String name, String source, String options) {
        cl_program p = Cl.create("clCreateProgramWithSource", "clCreateProgramWithSource(" + name + ")",
                err -> CL.clCreateProgramWithSource(context.handle, 1, new String[] {source}, null, err));
        return finish(new ClProgram(p, name), device, options);
    }

    /**
     * Loads a binary that {@link #binary()} returned earlier for the same device, driver and options.
     *
     * @throws ClException when the device refuses the binary (e.g. after a driver update)
     */
    static ClProgram fromBinary(ClContext context, ClDevice device, String name, byte[] binary, String options) {
        int[] binaryStatus = {0};
        cl_program p = Cl.create("clCreateProgramWithBinary", "clCreateProgramWithBinary(" + name + ")",
                err -> CL.clCreateProgramWithBinary(context.handle, 1, new cl_device_id[] {device.id()},
                        new long[] {binary.length}, new byte[][] {binary}, binaryStatus, err));
        ClProgram program = new ClProgram(p, name);
        if (binaryStatus[0] != CL.CL_SUCCESS) {
            program.close();
            throw new ClException(binaryStatus[0], "clCreateProgramWithBinary(" + name + ")");
        }
        return finish(program, device, options);
    }

    private static ClProgram finish(ClProgram program, ClDevice device, String options) {
        cl_program p = program.handle;
        String name = program.name;
        try {
            String operation = "clBuildProgram(" + name + ", " + device.info().name() + ")";
            int status = Cl.injectedStatus("clBuildProgram");
            if (status == CL.CL_SUCCESS) {
                status = CL.clBuildProgram(p, 1, new cl_device_id[] {device.id()}, options, null, null);
            }
            if (status != CL.CL_SUCCESS) {
                throw new ProgramBuildException(status, operation, options, buildLog(p, device));
            }
            return program;
        } catch (RuntimeException e) {
            program.close();
            throw e;
        }
    }

    /** The compiled program for its one device, to cache. */
    byte[] binary() {
        long[] size = {0};
        Cl.run("clGetProgramInfo", "clGetProgramInfo(" + name + ", binary size)",
                () -> CL.clGetProgramInfo(handle, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null));
        byte[] binary = new byte[Math.toIntExact(size[0])];
        Pointer target = Pointer.to(binary);
        Cl.run("clGetProgramInfo", "clGetProgramInfo(" + name + ", binary)",
                () -> CL.clGetProgramInfo(handle, CL.CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(target), null));
        return binary;
    }

    ClKernel kernel(String kernelName) {
        return ClKernel.create(this, kernelName);
    }

    private static String buildLog(cl_program p, ClDevice device) {
        long[] size = new long[1];
        int status = CL.clGetProgramBuildInfo(p, device.id(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
        if (status != CL.CL_SUCCESS || size[0] <= 1) {
            return "(no build log: " + ClException.statusName(status) + ")";
        }
        byte[] log = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(p, device.id(), CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, 0, log.length - 1, StandardCharsets.UTF_8).strip();
    }

    @Override
    int release() {
        return CL.clReleaseProgram(handle);
    }
}
