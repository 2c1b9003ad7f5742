package org.convcl.bench;

import org.convcl.Tensor;

/** Something that runs benchmark cases on a device: ConvCL itself, or a peer library. */
interface Contender extends AutoCloseable {

    /** {@code convcl} or {@code clblast}. */
    String backend();

    String device();

    /** Null when the case can run here, else why not. */
    String unsupported(BenchCase c);

    /** Puts the case's data on the device. */
    Run prepare(BenchCase c, Tensor input, Tensor weight);

    @Override
    void close();

    /** One case with its data in place. */
    interface Run extends AutoCloseable {
        /** Runs once and copies the result back, for verification. */
        Tensor result();

        /** Runs once and waits for the device, without copying anything back. */
        void execute();

        @Override
        void close();
    }
}
