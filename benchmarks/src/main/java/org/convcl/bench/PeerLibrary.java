package org.convcl.bench;

/**
 * A CPU library that {@code convcl bench --peers} compares ConvCL with (DJL-PyTorch, ND4J). Implementations live in
 * benchmarks/peers, a module outside the Maven reactor because their native jars are large; {@code ./convcl} builds it
 * on the first {@code --peers} and adds it to the classpath, where {@link java.util.ServiceLoader} finds them.
 */
public interface PeerLibrary {

    /** The library, for the note printed when it cannot start. */
    String name();

    /**
     * Starts the library on the CPU.
     *
     * @param threads intra-op threads, set explicitly: the number of cores, as ConvCL's OpenCL CPU device uses them all
     * @throws RuntimeException or {@link LinkageError} when the library's native part cannot be loaded
     */
    Contender open(int threads);
}
