package org.convcl.cli;

import java.util.Objects;

/**
 * A {@link Command} whose name, summary and flags are fixed when it is made, so that a command class holds only its
 * usage text and its work.
 */
public abstract class AbstractCommand implements Command {
    private final String name;
    private final String summary;
    private final Args.Spec spec;

    /**
     * @param name    the word that selects the command
     * @param summary its line in the command list
     * @param spec    the flags it accepts
     */
    protected AbstractCommand(String name, String summary, Args.Spec spec) {
        this.name = Objects.requireNonNull(name, "name");
        this.summary = Objects.requireNonNull(summary, "summary");
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String summary() {
        return summary;
    }

    @Override
    public final Args.Spec spec() {
        return spec;
    }
}
