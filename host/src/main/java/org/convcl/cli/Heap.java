package org.convcl.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.convcl.Tensor;
import org.convcl.io.Npy;

/**
 * The Java heap as a limit on the arrays a command allocates. A request that cannot fit is refused before the work
 * starts, with the size it needs and the setting that gives more, instead of an OutOfMemoryError half-way through.
 */
final class Heap {
    private static final long MIB = 1 << 20;
    private static final long GIB = 1 << 30;

    /** The heap is too small for a command's arrays; the message says how much is needed and how to get it. */
    static final class TooSmallException extends RuntimeException {
        TooSmallException(String message) {
            super(message);
        }
    }

    private Heap() {
    }

    /**
     * Refuses an array of {@code shape} with {@code elementBytes} bytes per element when the heap cannot hold it
     * besides what is in use. Counts above a Java array's limit are left to {@link Tensor}, which refuses them with
     * its own message.
     *
     * @param what names the array for the message, for example "output"
     */
    static void require(String what, int[] shape, int elementBytes) {
        long count = Tensor.elementCount(shape);
        if (count > Integer.MAX_VALUE) {
            return;
        }
        long bytes = count * elementBytes;
        if (bytes <= available()) {
            return;
        }
        // What is "in use" includes garbage; a collection tells whether the memory is really taken.
        System.gc();
        long available = available();
        if (bytes > available) {
            throw new TooSmallException(what + " " + Arrays.toString(shape) + " needs " + bytes / MIB
                    + " MiB but the Java heap has " + available / MIB + " MiB free (maximum " + max() / MIB + " MiB); "
                    + advice(used() + bytes));
        }
    }

    /** Reads a float32 {@code .npy} file once its header shows that the heap can hold the array. */
    static Tensor readNpy(Path file) throws IOException {
        require(file + ": the array", Npy.shape(file), Float.BYTES);
        return Npy.read(file);
    }

    /** The message for an OutOfMemoryError that got past {@link #require}: the work needed more than the heap. */
    static String exhausted() {
        return "the Java heap (maximum " + max() / MIB + " MiB) is too small for this work; " + advice(2 * max());
    }

    /** How to run with at least {@code bytes} of heap, rounded up to whole GiB with a quarter to spare. */
    private static String advice(long bytes) {
        long gib = Math.max(1, (bytes + bytes / 4 + GIB - 1) / GIB);
        return "give Java more with JAVA_TOOL_OPTIONS=-Xmx" + gib + "g";
    }

    private static long available() {
        return max() - used();
    }

    private static long used() {
        var runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long max() {
        return Runtime.getRuntime().maxMemory();
    }
}
