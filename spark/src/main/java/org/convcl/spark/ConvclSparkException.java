package org.convcl.spark;

import java.util.Optional;

/**
 * A row that breaks a rule (an image of the wrong shape, size or dtype, a null image or key) or an executor that
 * cannot run the pipeline; the message is one line naming the row by its key, or the executor, and the rule. It is
 * thrown in a task, and Spark hands it to the driver as the cause of the job's {@code SparkException}, whose own
 * message carries the executor's stack trace: {@link #in} finds it there.
 *
 * <pre>{@code
 * try {
 *     results.write().parquet(out);
 * } catch (SparkException e) {
 *     throw ConvclSparkException.in(e).orElseThrow(() -> e);   // "row 'img7.npy': image: ..."
 * }
 * }</pre>
 *
 * <p>Immutable, so thread-safe.
 */
public final class ConvclSparkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with its message.
     *
     * @param message one line: the row or executor, and the rule
     */
    public ConvclSparkException(String message) {
        super(message);
    }

    /**
     * An error caused by another.
     *
     * @param message one line: the row or executor, and the rule
     * @param cause   what was thrown
     */
    public ConvclSparkException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The ConvCL error behind a failure, such as a failed Spark job.
     *
     * @param failure what an action threw
     * @return the first {@code ConvclSparkException} in its chain of causes, itself included; empty where there is none
     */
    public static Optional<ConvclSparkException> in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConvclSparkException e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
