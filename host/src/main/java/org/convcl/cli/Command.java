package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;

/**
 * One {@code convcl} command. It reports failure by throwing: {@link IllegalArgumentException} or
 * {@link IOException} for bad arguments and files, anything else for failures of the work itself. Commands beyond
 * the built-in ones (such as {@code bench} in the benchmarks module) register as {@link java.util.ServiceLoader}
 * providers of this interface.
 */
public interface Command {

    /** The word that selects the command, as in {@code convcl conv2d}. */
    String name();

    /** One line for the command list of {@code convcl --help}. */
    String summary();

    /** The help text of {@code convcl NAME --help}: synopsis and flags. */
    String usage();

    /** The flags the command accepts. */
    Args.Spec spec();

    /** Does the work, printing progress and results to {@code out}. */
    void run(Args args, PrintStream out) throws IOException;
}
