package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.convcl.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convcl tune} refuses a destination it may not replace before it searches, in one line naming the file,
 * and leaves every file as it was: no link, directory or device turned into a regular file, no temporary file.
 */
class TuneCommandTest {
    private static final String PROPERTY = "convcl.tuning.cache";
    @TempDir
    Path dir;

    @AfterEach
    void forgetTheCache() {
        System.clearProperty(PROPERTY);
    }

    /** Status, stdout and stderr of {@code convcl tune} with the cache at {@code cache}. */
    private static String[] tune(Path cache) {
        System.setProperty(PROPERTY, cache.toString());
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"tune", "--seconds", "1"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(status), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
    }

    private void assertRefusedBeforeTheSearch(Path cache, String message) throws IOException {
        var before = listing();
        String[] run = tune(cache);
        assertEquals("2", run[0], run[2]);
        assertEquals(1, run[2].lines().count(), run[2]);
        assertTrue(run[2].startsWith("convcl: ") && run[2].contains(message), run[2]);
        assertFalse(run[1].contains("searched"), "no search ran: " + run[1]);
        assertEquals(before, listing(), "nothing added, nothing left behind");
    }

    private List<Path> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aLinkADirectoryAParentThatIsAFileOrADeviceIsRefusedUpFront() throws Exception {
        Path target = Files.writeString(dir.resolve("precious"), "precious\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.properties"), target);
        assertRefusedBeforeTheSearch(link, link + ": is a symbolic link");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("precious\n", Files.readString(target));

        Path directory = Files.createDirectory(dir.resolve("cache.properties"));
        assertRefusedBeforeTheSearch(directory, directory + ": is a directory");

        assertRefusedBeforeTheSearch(target.resolve("tuning.properties"),
                "tuning cache " + target.resolve("tuning.properties") + ": cannot write in its directory");

        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertRefusedBeforeTheSearch(fifo, fifo + ": is not a regular file; not replacing it");
        assertFalse(Files.isRegularFile(fifo), "still a pipe");
    }
}
