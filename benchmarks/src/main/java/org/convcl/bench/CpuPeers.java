package org.convcl.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Opens the {@link PeerLibrary} implementations on a class path; a library that cannot start is left out with a note. */
final class CpuPeers {
    /** Set by {@code ./convcl} to why the peers module could not be built, for example because Maven was offline. */
    static final String UNAVAILABLE_PROPERTY = "convcl.peers.unavailable";
    static final String NOT_ON_CLASSPATH = "DJL-PyTorch and ND4J are not on the classpath (./convcl bench --peers "
            + "fetches them with Maven on first use)";

    /** The backend names of the CPU peers, which the chart compares ConvCL with. */
    static final List<String> BACKENDS = List.of("djl-pytorch", "nd4j");

    private CpuPeers() {
    }

    /**
     * Every peer library {@code loader} can see, opened with {@code threads} threads. When it sees none, prints one
     * note with {@code whyNone}; the run goes on with CLBlast alone.
     */
    static List<Contender> open(ClassLoader loader, int threads, String whyNone, PrintStream out) {
        var opened = new ArrayList<Contender>();
        int found = 0;
        var libraries = ServiceLoader.load(PeerLibrary.class, loader).iterator();
        while (true) {
            PeerLibrary library;
            try {
                if (!libraries.hasNext()) {
                    break;
                }
                library = libraries.next();
                found++;
            } catch (ServiceConfigurationError e) {
                found++;
                out.println("peers: a peer library could not be loaded (" + e.getMessage() + "); left out");
                continue;
            }
            try {
                opened.add(library.open(threads));
            } catch (RuntimeException | LinkageError e) {
                out.println("peers: " + library.name() + " did not start (" + e + "); left out");
            }
        }
        if (found == 0) {
            out.println("peers: " + whyNone + "; comparing with CLBlast only");
        }
        return opened;
    }
}
