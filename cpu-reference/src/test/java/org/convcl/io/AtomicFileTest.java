package org.convcl.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Atomic writes: all or nothing, several files as one, pipes written through, temporary files never left behind. */
class AtomicFileTest {
    private static final byte[] OLD = {1, 2, 3};

    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static AtomicFile.Content bytes(int... content) {
        return out -> {
            for (int b : content) {
                out.write(b);
            }
        };
    }

    @Test
    void severalFilesLandTogetherOrNotAtAll() throws IOException {
        Path a = dir.resolve("a.npy"), b = dir.resolve("b.npy");
        Files.write(a, OLD);
        var e = assertThrows(IOException.class, () -> AtomicFile.writeAll(List.of(
                new AtomicFile.Output(a, bytes(9, 9)), new AtomicFile.Output(b, out -> {
                    throw new IOException("No space left on device");
                }))));
        assertEquals(b + ": No space left on device", FileErrors.describe(e), "names the user's file");
        assertArrayEquals(OLD, Files.readAllBytes(a));
        assertEquals(List.of(a), listing(), "no second file, no temporary file");

        AtomicFile.writeAll(List.of(new AtomicFile.Output(a, bytes(7)), new AtomicFile.Output(b, bytes(8))));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(a));
        assertArrayEquals(new byte[] {8}, Files.readAllBytes(b));
    }

    @Test
    void theSameFileTwiceIsRefused() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        Path a = dir.resolve("a.npy");
        var e = assertThrows(IllegalArgumentException.class,
                () -> AtomicFile.checkTargets(a, dir.resolve("sub/../a.npy")));
        assertTrue(e.getMessage().contains("is the same file as " + a), e.getMessage());
    }

    @Test
    void aNamedPipeIsWrittenThroughNotReplaced() throws Exception {
        Path fifo = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        AtomicFile.write(fifo, bytes(4, 5, 6));
        assertArrayEquals(new byte[] {4, 5, 6}, read.get(30, TimeUnit.SECONDS));
        assertFalse(Files.isRegularFile(fifo), "still a pipe");
        assertEquals(List.of(fifo), listing());
    }

    @Test
    void aSymbolicLinkIsRefusedAndNeitherItNorItsTargetChanges() throws IOException {
        Path target = dir.resolve("target.npy"), link = dir.resolve("link.npy"), dangling = dir.resolve("gone.npy");
        Files.write(target, OLD);
        Files.createSymbolicLink(link, target);
        Files.createSymbolicLink(dangling, dir.resolve("nowhere.npy"));
        for (Path p : List.of(link, dangling)) {
            var e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(p, bytes(9)));
            assertEquals(p + ": is a symbolic link; not writing through it or replacing it (name the file it points"
                    + " to instead)", e.getMessage());
            assertTrue(Files.isSymbolicLink(p), "the link is left");
        }
        assertArrayEquals(OLD, Files.readAllBytes(target));
        assertEquals(List.of(dangling, link, target), listing());
    }

    @Test
    void replaceRefusesWhatIsNotARegularFile() throws Exception {
        Path fifo = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.replace(fifo, bytes(1)));
        assertEquals(fifo + ": is not a regular file; not replacing it", e.getMessage());
        assertFalse(Files.isRegularFile(fifo), "still a pipe");
        Path file = dir.resolve("cache");
        AtomicFile.replace(file, bytes(5));
        AtomicFile.replace(file, bytes(6));
        assertArrayEquals(new byte[] {6}, Files.readAllBytes(file));
        assertEquals(List.of(file, fifo), listing());
    }

    @Test
    void aNameNearTheLimitGetsATemporaryNameWithinIt() throws IOException {
        // 255 bytes in all, with two-byte characters so the cut has to fall between them.
        Path target = dir.resolve("é".repeat(100) + "x".repeat(51) + ".npy");
        AtomicFile.write(target, bytes(1));
        assertEquals(List.of(target), listing());
    }

    @Test
    void staleTemporaryFilesOfDeadProcessesAreRemoved() throws IOException {
        Path target = dir.resolve("y.npy");
        Path dead = dir.resolve(".y.npy.convcl-tmp-" + Integer.MAX_VALUE + "-1");
        Path other = dir.resolve(".z.npy.convcl-tmp-" + Integer.MAX_VALUE + "-1");
        Path alive = dir.resolve(".y.npy.convcl-tmp-1-1");
        for (Path p : List.of(dead, other, alive)) {
            Files.write(p, OLD);
        }
        AtomicFile.write(target, bytes(1));
        assertEquals(Stream.of(alive, other, target).sorted().toList(), listing(),
                "only the dead process's file of this target goes");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TERM", "INT", "KILL"})
    void aSignalDuringTheWriteLeavesNoTemporaryFile(String signal) throws Exception {
        // A process started in the background by a shell ignores SIGINT, and so does every process it starts: the
        // JVM then leaves the signal ignored, and the writer would never see it.
        assumeFalse(ignoredHere(signal), "this test process ignores SIG" + signal + ", as its writer would");
        Path target = dir.resolve("y.npy");
        var process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SlowWriter.class.getName(), target.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
            assertEquals("writing", lines.readLine());
            assertEquals(1, listing().size(), "the temporary file exists while it is written");
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        if (signal.equals("KILL")) {
            // Nothing runs on SIGKILL; the next write of the same output clears what it left.
            AtomicFile.write(target, bytes(1));
            assertEquals(List.of(target), listing());
        } else {
            assertEquals(List.of(), listing());
        }
    }

    /** Whether this process ignores {@code signal}, from the SigIgn mask of /proc/self/status (false elsewhere). */
    private static boolean ignoredHere(String signal) throws IOException {
        int number = switch (signal) {
            case "INT" -> 2;
            case "KILL" -> 9;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException(signal);
        };
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        try (var lines = Files.lines(status)) {
            long ignored = lines.filter(l -> l.startsWith("SigIgn:")).findFirst()
                    .map(l -> Long.parseUnsignedLong(l.substring("SigIgn:".length()).strip(), 16)).orElse(0L);
            return (ignored >>> (number - 1) & 1) == 1;
        }
    }
}
