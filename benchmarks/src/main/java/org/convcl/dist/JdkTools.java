package org.convcl.dist;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;

/** The JDK's jdeps, jlink and jar, run in this JVM. They come with a full JDK, not with a runtime such as a bundle's. */
final class JdkTools {
    private final ToolProvider jdeps = find("jdeps");
    private final ToolProvider jlink = find("jlink");
    private final ToolProvider jar = find("jar");

    private static ToolProvider find(String name) {
        return ToolProvider.findFirst(name).orElseThrow(() -> new IllegalArgumentException("convcl dist needs "
                + name + " from a JDK 17 or later, which this Java (" + System.getProperty("java.home")
                + ") lacks: install one (Debian/Ubuntu: sudo apt-get install openjdk-17-jdk-headless) and run"
                + " ./convcl dist in the source tree with it"));
    }

    /** The JDK modules that {@code jars} use, comma-separated, as jlink's --add-modules takes them. */
    String modulesUsedBy(List<Path> jars) throws IOException {
        var args = new ArrayList<>(List.of("--multi-release", "17", "--print-module-deps", "-q",
                // The benchmarks jar also holds the JMH benchmarks, whose JMH classes the bundle leaves out.
                "--ignore-missing-deps"));
        jars.forEach(j -> args.add(j.toString()));
        return run(jdeps, args).strip();
    }

    /** A runtime image of just {@code modules}: no debug symbols, man pages or C headers, its classes compressed. */
    void linkRuntime(String modules, Path output) throws IOException {
        run(jlink, List.of("--add-modules", modules, "--strip-debug", "--no-man-pages", "--no-header-files",
                "--compress=2", "--output", output.toString()));
    }

    /** Packs a directory of classes into a jar. */
    void jar(Path classes, Path jarFile) throws IOException {
        run(jar, List.of("--create", "--file", jarFile.toString(), "-C", classes.toString(), "."));
    }

    /** Runs a tool and returns what it printed; a failure is an IOException that carries its output. */
    private static String run(ToolProvider tool, List<String> args) throws IOException {
        var text = new StringWriter();
        try (var writer = new PrintWriter(text)) {
            int status = tool.run(writer, writer, args.toArray(String[]::new));
            writer.flush();
            if (status != 0) {
                throw new IOException(tool.name() + " failed (status " + status + "): " + text.toString().strip());
            }
        }
        return text.toString();
    }
}
