package org.convcl.cli;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The library's log records (logger {@code org.convcl} and below) as the command line's own one-line messages on
 * standard error, {@code convcl: } first, instead of java.util.logging's two-line default. Installed by
 * {@link Main#main} only, so a program that calls the library, or {@link Main#run}, keeps its own logging.
 */
final class LogLines extends Handler {
    /** java.util.logging holds loggers weakly: this keeps the configured one, and its handler, alive. */
    private static Logger configured;

    private final PrintStream err;
    private final Formatter messages = new SimpleFormatter();

    private LogLines(PrintStream err) {
        this.err = err;
    }

    /** Routes the library's records to {@code err}, one line each, for the rest of this process. */
    static synchronized void install(PrintStream err) {
        var logger = Logger.getLogger("org.convcl");
        logger.setUseParentHandlers(false);
        logger.addHandler(new LogLines(err));
        configured = logger;
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            err.println(Main.oneLine(messages.formatMessage(record)));
        }
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
