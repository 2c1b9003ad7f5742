package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import org.convcl.VerifyingBackend.VerificationException;
import org.convcl.io.FileErrors;
import org.convcl.opencl.device.ConvclException;

/**
 * The {@code convcl} command line. Exit status: 0 on success, 2 on bad arguments or input files (one line on
 * standard error), 1 when the work itself fails, for example an OpenCL error, a verification mismatch, or a Java
 * heap too small for the arrays (as a device without the memory is).
 */
public final class Main {
    /** Success. */
    public static final int OK = 0;
    /** The work failed: OpenCL error, verification mismatch, too little memory, or a bug. */
    public static final int FAILED = 1;
    /** Bad arguments or files. */
    public static final int USAGE = 2;

    private static final List<Command> COMMANDS = commands();

    private Main() {
    }

    private static List<Command> commands() {
        var all = new ArrayList<Command>(List.of(new DevicesCommand(), new Conv2dCommand(),
                new ConvTranspose2dCommand(), new MaxPool2dCommand(),
                new AvgPool2dCommand(), new DemoCommand()));
        ServiceLoader.load(Command.class).forEach(all::add);
        return List.copyOf(all);
    }

    /** The {@code convcl} entry point: runs the command line and exits with its status. */
    public static void main(String[] args) {
        LogLines.install(System.err);
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs one command line.
     *
     * @return the exit status: {@link #OK}, {@link #FAILED} or {@link #USAGE}
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return dispatch(args, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int dispatch(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            out.print(usage());
            return error(err, USAGE, "no command given");
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("version"))) {
            out.print(Version.describe());
            return OK;
        }
        // 'convcl help conv2d' is 'convcl conv2d --help'.
        boolean helpFirst = isHelp(args[0]);
        if (helpFirst && args.length == 1) {
            out.print(usage());
            return OK;
        }
        String name = args[helpFirst ? 1 : 0];
        var command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (command == null) {
            var meant = DidYouMean.closest(COMMANDS.stream().map(Command::name).toList(), name);
            return error(err, USAGE, "unknown command '" + name + "'" + meant.map(m -> " (did you mean '" + m + "'?)")
                    .orElse("") + " (see 'convcl --help')");
        }
        var rest = Arrays.asList(args).subList(helpFirst ? 2 : 1, args.length);
        if (helpFirst || rest.stream().anyMatch(Main::isHelp)) {
            out.print(command.usage());
            return OK;
        }
        try {
            command.run(Args.parse(command.name(), command.spec(), rest), out);
            return OK;
        } catch (IllegalArgumentException e) {
            return error(err, USAGE, e.getMessage());
        } catch (IOException e) {
            return error(err, USAGE, FileErrors.describe(e));
        } catch (Heap.TooSmallException e) {
            return error(err, FAILED, e.getMessage());
        } catch (OutOfMemoryError e) {
            // The last resort behind Heap.require: an allocation it could not foresee, such as a device's staging.
            return error(err, FAILED, Heap.exhausted());
        } catch (ConvclException | VerificationException e) {
            // Not flattened: an OpenCL build failure carries its build log on the following lines.
            err.println("convcl: " + e.getMessage());
            return FAILED;
        } catch (RuntimeException e) {
            err.println("convcl: internal error, please report it: " + e);
            e.printStackTrace(err);
            return FAILED;
        }
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }

    /** A user error on one line, as scripts and the conformance check read it. */
    private static int error(PrintStream err, int status, String message) {
        err.println(oneLine(message));
        return status;
    }

    /** A message as one line of the command line's: {@code convcl: }, then its lines joined by {@code ; }. */
    static String oneLine(String message) {
        return "convcl: " + String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static String usage() {
        var text = new StringBuilder("""
                usage: convcl COMMAND [--flag value | --flag=value ...]
                       convcl COMMAND --help     the flags of one command (also: convcl help COMMAND)
                       convcl --version          the versions of ConvCL, JOCL and Java

                commands:
                """);
        for (var c : COMMANDS) {
            text.append(String.format("  %-16s %s%n", c.name(), c.summary()));
        }
        return text.append("""

                Arrays are NumPy .npy files: float32, C order, NCHW. Exit status: 0 success, 2 bad arguments or
                files, 1 other failures (OpenCL error, verification mismatch, too little memory).
                """).toString();
    }
}
