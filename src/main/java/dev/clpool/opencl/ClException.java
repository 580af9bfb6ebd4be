package dev.clpool.opencl;

import org.jocl.CL;

/**
 * An OpenCL call failed. Carries the status code, its name and the operation, e.g.
 * {@code clCreateBuffer(output, 1048576 bytes) failed: CL_MEM_OBJECT_ALLOCATION_FAILURE (-4)}.
 */
public class ClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String operation;

    public ClException(int status, String operation) {
        this(status, operation, "");
    }

    public ClException(int status, String operation, String detail) {
        super(operation + " failed: " + statusName(status) + " (" + status + ")" + (detail.isEmpty() ? "" : "\n" + detail));
        this.status = status;
        this.operation = operation;
    }

    /** The OpenCL status code, e.g. -4. */
    public int status() {
        return status;
    }

    /** The status code's name, e.g. {@code CL_MEM_OBJECT_ALLOCATION_FAILURE}. */
    public String statusName() {
        return statusName(status);
    }

    /** The operation that failed, e.g. {@code clCreateBuffer(output, 1048576 bytes)}. */
    public String operation() {
        return operation;
    }

    static String statusName(int status) {
        String name = CL.stringFor_errorCode(status);
        return name.startsWith("INVALID_ERROR_CODE") ? "unknown OpenCL status" : name;
    }
}
