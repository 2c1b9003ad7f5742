package org.convcl.bench;

import java.util.function.IntFunction;

/**
 * A {@link PeerLibrary} that is a name and the contender's constructor: what a peer's service class extends, with
 * the public no-argument constructor {@link java.util.ServiceLoader} calls.
 */
public abstract class NamedPeerLibrary implements PeerLibrary {
    private final String name;
    private final IntFunction<Contender> open;

    /**
     * @param name the library, for the note printed when it cannot start
     * @param open starts the library with a thread count; see {@link PeerLibrary#open}
     */
    protected NamedPeerLibrary(String name, IntFunction<Contender> open) {
        this.name = name;
        this.open = open;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Contender open(int threads) {
        return open.apply(threads);
    }
}
