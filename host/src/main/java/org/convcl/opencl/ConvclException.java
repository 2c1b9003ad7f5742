package org.convcl.opencl;

/** A failure of the OpenCL runtime, naming the call, its status and, for program builds, the build log. */
public class ConvclException extends RuntimeException {
    private final String call;
    private final String status;

    public ConvclException(String call, String status, String detail, Throwable cause) {
        super(call + " failed: " + status + (detail == null || detail.isBlank() ? "" : "\n" + detail), cause);
        this.call = call;
        this.status = status;
    }

    public ConvclException(String message) {
        super(message);
        this.call = null;
        this.status = null;
    }

    /** The OpenCL function or step that failed, for example {@code clBuildProgram}; null for setup errors. */
    public String call() {
        return call;
    }

    /** The symbolic OpenCL status, for example {@code CL_OUT_OF_RESOURCES}; null for setup errors. */
    public String status() {
        return status;
    }
}
