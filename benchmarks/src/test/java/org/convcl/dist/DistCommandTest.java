package org.convcl.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.convcl.cli.Main;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.Devices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convcl dist}: the bundle is built once, unpacked, and run through a symlink from another directory with a
 * PATH whose {@code java} fails and no JAVA_HOME, so every command that works proves the bundle runs on its own Java.
 */
class DistCommandTest {
    private static final long LIMIT = 60L << 20;
    private static final Path CONFORMANCE = Path.of("..", "..", "shared", "conformance", "check").toAbsolutePath();

    @TempDir
    static Path dir;
    private static Path tarball;
    private static Path launcher;
    private static Path noJava;
    private static Path top;

    @BeforeAll
    static void buildAndUnpack() throws IOException, InterruptedException {
        var r = convcl("dist", "--output", dir.resolve("out").toString());
        assertEquals(0, r.status(), r.err());
        try (var files = Files.list(dir.resolve("out"))) {
            tarball = files.filter(f -> f.getFileName().toString().endsWith("-linux-x86_64.tar.gz")).findFirst()
                    .orElseThrow();
        }
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        var untar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString()).inheritIO();
        // The test JVM's libjsig (the pom's signal chaining) would warn on tar's signal() calls.
        untar.environment().remove("LD_PRELOAD");
        assertEquals(0, untar.start().waitFor());
        try (var tops = Files.list(unpacked)) {
            top = tops.findFirst().orElseThrow();
        }
        noJava = script(dir.resolve("no-java"), "java", "echo 'the system java ran' >&2; exit 1").getParent();
        Path links = Files.createDirectories(dir.resolve("links"));
        launcher = Files.createSymbolicLink(links.resolve("convcl"), top.resolve("bin/convcl"));
        Files.createDirectories(dir.resolve("elsewhere"));
    }

    private static Path script(Path directory, String name, String body) throws IOException {
        Path script = Files.createDirectories(directory).resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        assertTrue(script.toFile().setExecutable(true));
        return script;
    }

    @Test
    void theTarballIsUnder60MibAndHoldsTheRuntimeTheLoaderAndNoJmh() throws IOException, InterruptedException {
        assertTrue(Files.size(tarball) < LIMIT, Files.size(tarball) + " bytes");
        var list = new ProcessBuilder("tar", "-tzf", tarball.toString()).start();
        var entries = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .map(e -> e.substring(e.indexOf('/') + 1)).toList();
        assertEquals(0, list.waitFor());
        for (String entry : List.of("bin/convcl", "runtime/bin/java", "lib/libOpenCL.so.1", "lib/jocl-2.0.6.jar")) {
            assertTrue(entries.contains(entry), entry);
        }
        assertFalse(entries.stream().anyMatch(e -> e.contains("jmh") || e.startsWith("runtime/include")
                || e.startsWith("runtime/man")), entries::toString);
    }

    @Test
    void demoRunsOnTheBundledJava() throws IOException, InterruptedException {
        assumeTrue(openClAvailable(), "no OpenCL device on this machine");
        var r = bundled(Map.of(), "demo", "--png", dir.resolve("demo.png").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("ConvCL demo: ") && r.out().contains("\ndevice: "), r.out());
        assertTrue(Files.size(dir.resolve("demo.png")) > 0);
    }

    @Test
    void withoutASystemLoaderDevicesUsesAndNamesTheBundledOne() throws IOException, InterruptedException {
        assumeTrue(openClAvailable(), "no OpenCL device on this machine");
        // An empty ld.so cache hides Debian's libOpenCL.so.1, which lives outside the default directories.
        Path emptyCache = script(dir.resolve("empty-cache"), "ldconfig", "exit 0").getParent();
        var r = bundled(Map.of("PATH", emptyCache + ":" + noJava + ":/usr/bin:/bin"), "devices");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("CONVCL_OPENCL_LIBRARY: " + launcher.toRealPath().getParent().getParent()
                + "/lib/libOpenCL.so.1 (bundled"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("* 0: ")), "the driver was found: " + r.out());
    }

    /**
     * The cases whose names start "seed_" (13 of conv2d, max and average pooling): the bundle's own risks are its
     * launcher and the runtime's modules, which every command meets; run-tests checks all cases with ./convcl.
     */
    @Test
    void theCommandLinePassesConformanceOnTheBundledJava() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(CONFORMANCE), "no " + CONFORMANCE);
        long seeds;
        try (var cases = Files.list(CONFORMANCE.resolveSibling("cases"))) {
            seeds = cases.filter(c -> c.getFileName().toString().startsWith("seed_")).count();
        }
        var r = run(List.of("python3", CONFORMANCE.toString(), "--cli", launcher.toString(), "--only", "seed_"),
                Map.of());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(seeds > 0 && r.out().contains(seeds + " passed, 0 failed"), r.out());
    }

    @Test
    void aBundleInAPathWithAColonIsRefusedInOneLine() throws IOException, InterruptedException {
        Path colon = Files.createDirectories(dir.resolve("with:colon"));
        // Hard links: a copy of the unpacked bundle in no time and no space.
        assertEquals(0, new ProcessBuilder("cp", "-al", top.toString(), colon.toString()).inheritIO().start().waitFor());
        Path bundle = colon.resolve(top.getFileName());
        var r = run(List.of(bundle.resolve("bin/convcl").toString(), "devices"), Map.of());
        assertEquals(2, r.status(), r.out() + r.err());
        assertEquals("convcl: the bundle is in " + bundle + ", whose path contains ':', from which Java cannot start;"
                + " move or rename it\n", r.err());
    }

    @Test
    void poclStartsWhereHomeCannotHoldItsCache() throws IOException, InterruptedException {
        assumeTrue(openClAvailable(), "no OpenCL device here");
        assumeTrue(System.getenv("XDG_CACHE_HOME") == null && System.getenv("POCL_CACHE_DIR") == null,
                "the caller chose POCL's cache");
        // As HOME=/nonexistent for a user who cannot create it: no cache directory can be made under it, even by root.
        Path file = Files.writeString(dir.resolve("home-is-a-file"), "");
        var r = bundled(Map.of("HOME", file.toString()), "devices");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("* 0: "), "a device is listed: " + r.out());
    }

    /** Where Debian's Oclgrind keeps its ICD library, which serves as a fake NVIDIA driver library. */
    private static final Path OCLGRIND = Path.of("/usr/lib/oclgrind/liboclgrind-rt-icd.so");
    /** Hides the system's vendors files and mounts an empty /usr/local, in the test's own mount namespace. */
    private static final String NO_VENDORS = "mount -t tmpfs none /etc/OpenCL/vendors && mount -t tmpfs none /usr/local";

    @Test
    void nvidiasLibraryIsFoundWithoutAVendorsFile() throws IOException, InterruptedException {
        var r = withFakeNvidia(NO_VENDORS, "/usr/local/nvidia/lib64/libnvidia-opencl.so.1");
        assertTrue(r.out().contains("Oclgrind"), r.out() + r.err());
        assertTrue(r.out().contains("NVIDIA's /usr/local/nvidia/lib64/libnvidia-opencl.so.1)"), r.out());
    }

    @Test
    void nvidiasLibraryIsFoundByAVersionedNameAlone() throws IOException, InterruptedException {
        var r = withFakeNvidia(NO_VENDORS, "/usr/local/nvidia/lib64/libnvidia-opencl.so.550.54.14");
        assertTrue(r.out().contains("Oclgrind"), r.out() + r.err());
    }

    @Test
    void nvidiasLibraryJoinsAVendorsFolderHoldingOnlyOtherVendors() throws IOException, InterruptedException {
        assumeTrue(openClAvailable(), "no other OpenCL driver here");
        var r = withFakeNvidia("mount -t tmpfs none /usr/local", "/usr/local/nvidia/lib64/libnvidia-opencl.so.1");
        assertTrue(r.out().contains("Oclgrind"), r.out() + r.err());
        assertTrue(r.out().lines().filter(l -> l.matches("[* ] \\d+: .*")).count() >= 2, "both drivers: " + r.out());
    }

    @Test
    void nvidiasLibraryIsFoundThroughTheLinkerCache() throws IOException, InterruptedException {
        Path lib = Files.createDirectories(dir.resolve("driver-mount")).resolve("libnvidia-opencl.so.1");
        Files.copy(OCLGRIND, lib, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path cache = script(dir.resolve("nvidia-cache"), "ldconfig",
                "printf '\\tlibnvidia-opencl.so.1 (libc6,x86-64) => " + lib + "\\n'").getParent();
        var r = inNamespace(NO_VENDORS, Map.of("PATH", cache + ":" + noJava + ":/usr/bin:/bin"), "devices");
        assertTrue(r.out().contains("Oclgrind"), r.out() + r.err());
    }

    @Test
    void aDevelopmentLinkOnTheLibraryPathDoesNotReplaceTheChosenLoader() throws IOException, InterruptedException {
        assumeTrue(openClAvailable(), "no OpenCL device here");
        // JOCL opens libOpenCL.so first: here that name is a library without OpenCL in it.
        Path evil = Files.createDirectories(dir.resolve("dev-link"));
        Files.copy(Path.of("/lib/x86_64-linux-gnu/libz.so.1"), evil.resolve("libOpenCL.so"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var r = bundled(Map.of("LD_LIBRARY_PATH", evil.toString()), "devices");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("* 0: "), "a device is listed: " + r.out());
    }

    /** {@code devices} in a mount namespace where {@code setup} ran and Oclgrind's ICD library lies at {@code fake}. */
    private static Result withFakeNvidia(String setup, String fake) throws IOException, InterruptedException {
        Path parent = Path.of(fake).getParent();
        return inNamespace(setup + " && mkdir -p " + parent + " && cp " + OCLGRIND + " " + fake, Map.of(), "devices");
    }

    private static Result inNamespace(String setup, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(OCLGRIND), "no Oclgrind, whose ICD library stands in for NVIDIA's");
        assumeTrue(run(List.of("unshare", "-m", "true"), Map.of()).status() == 0, "no private mount namespace here");
        var command = new ArrayList<>(List.of("unshare", "-m", "sh", "-c", setup + " && exec \"$0\" \"$@\"",
                launcher.toString()));
        command.addAll(List.of(args));
        var r = run(command, env);
        assertEquals(0, r.status(), r.out() + r.err());
        return r;
    }

    @Test
    void anOutputThatIsAFileIsAOneLineError() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        var r = convcl("dist", "--output", file.toString());
        assertEquals(2, r.status(), r.err());
        assertEquals("convcl: --output " + file + ": is not a directory", r.err().strip());
    }

    private static boolean openClAvailable() {
        try {
            return !Devices.list().isEmpty();
        } catch (ConvclException e) {
            return false;
        }
    }

    private record Result(int status, String out, String err) {
    }

    private static Result convcl(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The unpacked launcher, through its symlink, with the failing java first on PATH and no JAVA_HOME. */
    private static Result bundled(Map<String, String> env, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).directory(dir.resolve("elsewhere").toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().put("PATH", noJava + ":/usr/bin:/bin");
        builder.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        int status = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
        return new Result(status, Files.readString(out), Files.readString(err));
    }
}
