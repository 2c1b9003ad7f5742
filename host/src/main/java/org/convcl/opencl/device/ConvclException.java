package org.convcl.opencl.device;

/**
 * A failure of the OpenCL runtime, naming the call, its status and, for program builds, the build log.
 * <p>Immutable once thrown, so thread-safe.
 */
public class ConvclException extends RuntimeException {
    /** The failed call, or null. */
    private final String call;
    /** Its symbolic status, or null. */
    private final String status;

    /**
     * A failed OpenCL call.
     *
     * @param call   the OpenCL function or step, for example {@code clBuildProgram}
     * @param status the symbolic status, for example {@code CL_BUILD_PROGRAM_FAILURE}
     * @param detail more lines, such as the build log; null or blank for none
     * @param cause  JOCL's exception, or null
     */
    public ConvclException(String call, String status, String detail, Throwable cause) {
        super(call + " failed: " + status + (detail == null || detail.isBlank() ? "" : "\n" + detail), cause);
        this.call = call;
        this.status = status;
    }

    /**
     * A setup failure outside any OpenCL call, such as a missing driver.
     *
     * @param message what failed and what to install or change
     */
    public ConvclException(String message) {
        super(message);
        this.call = null;
        this.status = null;
    }

    /**
     * A failure of one part of a larger call, such as one device's share of a batch.
     *
     * @param message which part failed and where
     * @param cause   the part's exception
     */
    public ConvclException(String message, Throwable cause) {
        super(message, cause);
        this.call = null;
        this.status = null;
    }

    /**
     * The OpenCL function or step that failed.
     *
     * @return for example {@code clBuildProgram}; null for setup errors
     */
    public String call() {
        return call;
    }

    /**
     * The symbolic OpenCL status.
     *
     * @return for example {@code CL_OUT_OF_RESOURCES}; null for setup errors
     */
    public String status() {
        return status;
    }
}
