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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code convcl bench} refuses output paths it cannot write and batches out of range before it runs the suite, which
 * takes minutes, and runs a batch it accepts.
 */
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 | --batch: 0, must be >= 1",
            "257 | --batch: 257, must be <= 256",
            "two | --batch: 'two' is not an integer"})
    void aBatchOutsideItsRangeIsRefusedBeforeTheSuiteRuns(String batch, String error) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"bench", "--suite", "seed_s2x1", "--batch", batch},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertEquals("convcl: " + error + "\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing ran");
    }

    @Test
    void aBatchRunsTheCaseOnThatManyImagesVerified() throws IOException {
        Path csv = dir.resolve("n2.csv");
        var out = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"bench", "--suite", "seed_s2x1", "--batch", "2", "--csv", csv.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
        var convcl = Files.readAllLines(csv).stream().filter(l -> l.contains(",convcl,")).toList();
        assertEquals(1, convcl.size(), String.join("\n", convcl));
        // case,backend,device,gflops,ms,verified: verified against the reference on the two images.
        assertTrue(convcl.get(0).startsWith("seed_s2x1_n2,convcl,"), convcl.get(0));
        assertTrue(convcl.get(0).contains(",true,"), convcl.get(0));
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

    @Test
    void aLayerWrittenByItsShapesRunsVerifiedUnderItsName() throws IOException {
        Path csv = dir.resolve("layer.csv");
        var out = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"bench", "--layers",
                "input=2x6x9x11,weight=4x3x3x2,stride=2x1,groups=2,count=3", "--csv", csv.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        assertTrue(printed.contains("the layers together (1 distinct, 3 convolutions counting each count=), per pass:"),
                printed);
        var rows = Files.readAllLines(csv).stream().skip(1).toList();
        var convcl = rows.stream().filter(l -> l.contains(",convcl,")).toList();
        assertEquals(1, convcl.size(), String.join("\n", rows));
        assertTrue(convcl.get(0).startsWith("layer_2x6x9x11_w4x3x2_s2x1_p0_g2,convcl,"), convcl.get(0));
        assertTrue(convcl.get(0).contains(",true,"), convcl.get(0));
        assertTrue(rows.stream().allMatch(l -> l.startsWith("layer_2x6x9x11_w4x3x2_s2x1_p0_g2,")), "the layer alone");
    }

    @Test
    void aLayerBreakingARuleIsRefusedBeforeTheSuiteRuns() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"bench", "--layers", "input=1x3x8x8,weight=8x4x3x3"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("convcl: --layers: layer 1 ('input=1x3x8x8,weight=8x4x3x3'): weight: dimension 1"
                + " is 4 but input channels / groups is 3"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing ran");
    }
}
