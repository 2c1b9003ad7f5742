package org.convcl.bench;

import java.io.PrintStream;
import java.util.Set;
import org.convcl.cli.AbstractCommand;
import org.convcl.cli.Args;

/**
 * A command that the source tree's launcher ({@code ./convcl}) runs itself, with a class path of its own: it is
 * listed in {@code convcl --help} and explains itself, and run anywhere else it says how to run it instead.
 */
abstract class LauncherCommand extends AbstractCommand {
    private final String usage;
    private final String refusal;

    /**
     * @param usage   its {@code --help} text
     * @param refusal the one line printed when it is run other than through the launcher
     */
    LauncherCommand(String name, String summary, String usage, String refusal) {
        super(name, summary, new Args.Spec(Set.of(), Set.of()));
        this.usage = usage;
        this.refusal = refusal;
    }

    @Override
    public final String usage() {
        return usage;
    }

    @Override
    public final void run(Args args, PrintStream out) {
        throw new IllegalArgumentException(refusal);
    }
}
