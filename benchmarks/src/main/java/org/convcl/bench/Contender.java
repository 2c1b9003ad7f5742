package org.convcl.bench;

import org.convcl.Tensor;

/**
 * Something that runs benchmark cases on a device: ConvCL itself, or a peer library. Public so that the CPU peers,
 * built apart in benchmarks/peers, can implement it (see {@link PeerLibrary}).
 */
public interface Contender extends AutoCloseable {

    /** The CSV's backend column: {@code convcl}, {@code clblast}, {@code djl-pytorch} or {@code nd4j}. */
    String backend();

    /** The device and what runs on it, for example the library version and thread count of a CPU peer. */
    String device();

    /** Null when the case can run here, else why not; by default every case runs. */
    default String unsupported(BenchCase c) {
        return null;
    }

    /**
     * How this contender runs the case, for the table and the CSV: for ConvCL the kernel path, its configuration
     * and whether that came from a tuning entry or the device's defaults. Empty where the library does not say.
     */
    default String configuration(BenchCase c) {
        return "";
    }

    /**
     * Puts the case's data where the contender computes, so that a run times the operation alone.
     *
     * @param weight the convolution's weight; null for pooling cases
     */
    Run prepare(BenchCase c, Tensor input, Tensor weight);

    @Override
    void close();

    /** One case with its data in place. */
    interface Run extends AutoCloseable {
        /** Runs once and copies the result back, for verification: for max pooling the output, not the indices. */
        Tensor result();

        /** Runs once and waits for the device (or the CPU threads), without copying anything back. */
        void execute();

        @Override
        void close();
    }
}
