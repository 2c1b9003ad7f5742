package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.convcl.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convcl bench} refuses output paths it cannot write before it runs the suite, which takes minutes. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void aChartInAMissingDirectoryIsRefusedBeforeTheSuiteRunsAndNoCsvIsLeft() throws IOException {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        String csv = dir.resolve("a.csv").toString();
        int status = Main.run(new String[] {"bench", "--csv", csv, "--chart", dir.resolve("missing/c.png").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("c.png: directory") && message.contains("does not exist"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing ran");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void aCsvPathThatIsASymbolicLinkIsRefusedAndItsTargetKept() throws IOException {
        Path target = Files.writeString(dir.resolve("kept.csv"), "kept\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), target);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"bench", "--csv", link.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, message);
        assertEquals("convcl: " + link + ": is a symbolic link; not writing through it or replacing it (name the file"
                + " it points to instead)\n", message);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("kept\n", Files.readString(target));
    }
}
