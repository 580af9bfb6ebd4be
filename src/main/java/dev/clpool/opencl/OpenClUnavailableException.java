package dev.clpool.opencl;

/**
 * OpenCL cannot be used here: no OpenCL loader library, no platform, or no device that matches what
 * was asked for. The message says which, and how to install an OpenCL driver.
 */
public final class OpenClUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How to get a working OpenCL on a machine without one, for messages. */
    public static final String INSTALL_HINT = "install an OpenCL driver and loader (Debian/Ubuntu, for the CPU: "
            + "apt-get install pocl-opencl-icd ocl-icd-libopencl1; for a GPU, its vendor's driver)";

    public OpenClUnavailableException(String message) {
        super(message);
    }

    public OpenClUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
