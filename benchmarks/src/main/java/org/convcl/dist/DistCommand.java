package org.convcl.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.convcl.cli.AbstractCommand;
import org.convcl.cli.Args;
import org.convcl.cli.Version;
import org.convcl.io.AtomicFile;

/**
 * {@code convcl dist}: a tarball that runs the command line on a Linux x86-64 machine with an OpenCL driver and no
 * Java (see {@link Bundle} for what it holds). It runs from the source tree, where the build has listed the jars to
 * ship, and needs a full JDK for jdeps and jlink.
 */
public final class DistCommand extends AbstractCommand {
    private static final String OUTPUT = "output";
    /** Written by the build beside the classes: the runtime jars minus JMH, which only {@code convcl jmh} uses. */
    private static final String BUNDLE_CLASSPATH = "bundle-classpath.txt";
    private static final long MIB = 1 << 20;

    public DistCommand() {
        super("dist", "build a self-contained linux-x86_64 tarball: Java runtime, jars, OpenCL loader, launcher",
                new Args.Spec(Set.of(OUTPUT), Set.of()));
    }

    @Override
    public String usage() {
        return """
                usage: convcl dist --output DIR

                Writes DIR/convcl-VERSION-linux-x86_64.tar.gz (DIR is created if needed): a trimmed Java runtime
                (jlink, only the modules the jars use), the jars of every command but jmh (JOCL and, for
                'bench --peers', JOCLBlast included), Debian's OpenCL ICD loader, and bin/convcl, which runs on a
                machine with an OpenCL driver and no Java. Needs a JDK 17+ (jdeps, jlink) and the ocl-icd-libopencl1
                package; run it from the source tree (./convcl dist).
                """;
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        String output = args.required(OUTPUT);
        checkPlatform();
        Bundle.checkLoader();
        var tools = new JdkTools();
        Path classes = codeSource();
        List<Path> jars = bundledJars(classes.getParent());
        Path dir = outputDirectory(output);
        String version = Version.project();
        String top = "convcl-" + version;
        Path tarball = dir.resolve(top + "-linux-x86_64.tar.gz");
        AtomicFile.checkTargets(tarball);
        Path staging = Files.createTempDirectory("convcl-dist");
        try {
            String modules = new Bundle(tools, staging.resolve(top))
                    .write(jars, classes, "convcl-benchmarks-" + version + ".jar");
            AtomicFile.write(tarball, o -> tar(staging, top, o));
            out.printf("%s: %d MiB; runtime modules %s; %d jars; bin/convcl runs it without Java%n", tarball,
                    Files.size(tarball) / MIB, modules, jars.size() + 1);
        } finally {
            deleteTree(staging);
        }
    }

    private static Path outputDirectory(String name) throws IOException {
        Path dir = Path.of(name);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--output " + name + ": is not a directory");
        }
        return Files.createDirectories(dir);
    }

    /** The bundle's runtime, loader and JOCL native library are this platform's, and the launcher is for Linux. */
    private static void checkPlatform() {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!os.toLowerCase(Locale.ROOT).equals("linux") || !arch.equals("amd64")) {
            throw new IllegalArgumentException("convcl dist builds linux-x86_64 bundles and must run on such a machine,"
                    + " not " + os + " " + arch);
        }
    }

    /** This module's classes: a directory in the source tree, or its jar. */
    private static Path codeSource() {
        try {
            return Path.of(DistCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> bundledJars(Path buildDirectory) throws IOException {
        Path list = buildDirectory.resolve(BUNDLE_CLASSPATH);
        if (!Files.isRegularFile(list)) {
            throw new IllegalArgumentException("convcl dist runs from the source tree (./convcl dist), where the build"
                    + " lists the jars to ship; " + list + " is missing");
        }
        return Stream.of(Files.readString(list).strip().split(":")).map(Path::of).toList();
    }

    /** Streams {@code top} as a gzipped tar, owned by root (the builder's user means nothing where it is unpacked). */
    private static void tar(Path staging, String top, OutputStream out) throws IOException {
        Path log = staging.resolve("tar.log");
        var tar = new ProcessBuilder("tar", "--create", "--directory", staging.toString(), "--sort=name",
                "--owner=0", "--group=0", "--numeric-owner", top).redirectError(log.toFile()).start();
        var gzip = new GZIPOutputStream(out, 1 << 16);
        try (InputStream archive = tar.getInputStream()) {
            archive.transferTo(gzip);
        }
        gzip.finish();
        try {
            if (tar.waitFor() != 0) {
                throw new IOException("tar failed: " + Files.readString(log).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while tar ran", e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        List<Path> deepestFirst;
        try (Stream<Path> paths = Files.walk(root)) {
            deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : deepestFirst) {
            Files.delete(p);
        }
    }
}
