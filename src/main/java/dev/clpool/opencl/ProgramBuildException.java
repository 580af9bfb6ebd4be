package dev.clpool.opencl;

/** A kernel program did not build: carries the device's build log and the options it was built with. */
public final class ProgramBuildException extends ClException {
    private static final long serialVersionUID = 1L;

    private final String buildLog;
    private final String options;

    ProgramBuildException(int status, String operation, String options, String buildLog) {
        super(status, operation, "build options: " + options + "\nbuild log:\n" + buildLog);
        this.buildLog = buildLog;
        this.options = options;
    }

    public String buildLog() {
        return buildLog;
    }

    public String options() {
        return options;
    }
}
