package org.convcl.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a class of the test class path in a new JVM, for what one process cannot show about itself: its native
 * standard streams (which bypass System.out and System.err), or a device configured by environment variables.
 */
public final class ForkedJvm {
    /** What the process printed, on each stream, and its exit status. */
    public record Result(int status, String out, String err) {
    }

    private ForkedJvm() {
    }

    public static Result run(Map<String, String> environment, Class<?> main, String... args)
            throws IOException, InterruptedException {
        return run(List.of(), environment, main, args);
    }

    /** @param jvmOptions options of the java command, before the class name */
    public static Result run(List<String> jvmOptions, Map<String, String> environment, Class<?> main, String... args)
            throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("convcl-forked", ".out");
        Path err = Files.createTempFile("convcl-forked", ".err");
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        var process = builder.start();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                throw new AssertionError(main.getSimpleName() + " did not finish in 2 minutes");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
            Files.delete(out);
            Files.delete(err);
        }
    }
}
