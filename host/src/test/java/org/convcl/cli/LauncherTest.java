package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./convcl} launcher says on stderr when it builds, and is silent when the build is current. It runs on a
 * copy of the script in a tree of its own, with stand-ins for Maven (which records its runs and writes the class
 * path file) and for Java, so that nothing is built for real.
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of("..", "convcl");

    @TempDir
    Path root;
    private Path bin;

    /** What one run printed and returned. */
    private record Run(int status, String out, String err) {
    }

    @BeforeEach
    void fakeTree() throws IOException {
        Files.copy(SCRIPT, root.resolve("convcl"));
        executable(root.resolve("convcl"));
        Files.createDirectories(root.resolve("host/src/main/java"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.writeString(root.resolve("host/src/main/java/A.java"), "class A {}");
        script(root.resolve("scripts/ensure-opencl"), "exit 0");
        bin = root.resolve("bin");
        script(bin.resolve("mvn"), "echo run >> mvn.log; [ -e fail ] && { echo 'BUILD FAILURE here'; exit 1; }\n"
                + "mkdir -p benchmarks/target spark/target && echo /nothing > benchmarks/target/classpath.txt"
                + " && echo /nothing > spark/target/classpath.txt");
        script(root.resolve("jdk/bin/java"), "echo \"java ran: ${@: -1}\"");
    }

    private static void script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        executable(file);
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Run launch(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("bash", root.resolve("convcl").toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(root.toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
        Path out = root.resolve("out.txt"), err = root.resolve("err.txt");
        var process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(1, TimeUnit.MINUTES), "the launcher finished");
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private long builds() throws IOException {
        Path log = root.resolve("mvn.log");
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    @Test
    void theFirstRunSaysItIsBuildingAndLaterRunsAreSilent() throws Exception {
        var first = launch("devices");
        assertEquals(0, first.status(), first.err());
        assertEquals("convcl: building (mvn install, about a minute the first time)...\n", first.err());
        assertEquals("java ran: devices\n", first.out());
        assertEquals(1, builds());

        var second = launch("devices");
        assertEquals("", second.err(), "nothing to build, nothing said");
        assertEquals(1, builds());

        // A source edited after the build is newer than its stamp.
        Files.setLastModifiedTime(root.resolve("host/src/main/java/A.java"),
                FileTime.from(Instant.now().plusSeconds(60)));
        var third = launch("devices");
        assertEquals("convcl: sources changed, building (mvn install)...\n", third.err());
        assertEquals(2, builds());
    }

    @Test
    void aFailedBuildShowsMavensOutputAndSaysSo() throws Exception {
        Files.writeString(root.resolve("fail"), "");
        var r = launch("devices");
        assertEquals(1, r.status());
        assertEquals("", r.out(), "nothing ran");
        var lines = r.err().lines().toList();
        assertEquals("convcl: building (mvn install, about a minute the first time)...", lines.get(0));
        assertTrue(lines.contains("BUILD FAILURE here"), r.err());
        assertTrue(lines.get(lines.size() - 1).startsWith("convcl: the build failed"), r.err());
    }
}
