package org.convcl.bench;

import java.util.Objects;

/**
 * A {@link Contender} whose two columns are fixed when it opens: what ConvCL, CLBlast and the CPU peers extend.
 * Public so that the CPU peers, built apart in benchmarks/peers, can extend it.
 */
public abstract class NamedContender implements Contender {
    private final String backend;
    private final String device;

    /**
     * @param backend the CSV's backend column, see {@link Contender#backend}
     * @param device  the device column, see {@link Contender#device}
     */
    protected NamedContender(String backend, String device) {
        // Every row of the table and the CSV names both.
        this.backend = Objects.requireNonNull(backend, "backend");
        this.device = Objects.requireNonNull(device, "device");
    }

    @Override
    public final String backend() {
        return backend;
    }

    @Override
    public final String device() {
        return device;
    }
}
