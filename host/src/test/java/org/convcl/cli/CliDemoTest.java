package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convcl demo}: its report, its picture, and the digit it draws. */
class CliDemoTest {
    /** Six panels (the input and five maps) of 28 pixels at 4x, with 8-pixel gaps and a 16-pixel label band. */
    private static final int WIDTH = 8 + 6 * (28 * 4 + 8);
    private static final int HEIGHT = 8 + 16 + 28 * 4 + 8;

    @TempDir
    Path dir;

    @Test
    void demoOnTheReferenceWritesThePicture() throws IOException {
        Path png = dir.resolve("demo.png");
        var r = CliTest.run("demo", "--device", "reference", "--png", png.toString());
        assertEquals(0, r.status(), r.err());
        assertReport(r.out(), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        // The identity map is the input, so after per-map stretching the first two panels are the same pixels.
        int top = 8 + 16, step = 28 * 4 + 8;
        boolean lit = false;
        for (int y = top; y < top + 28 * 4; y++) {
            for (int x = 0; x < 28 * 4; x++) {
                assertEquals(image.getRGB(8 + x, y), image.getRGB(8 + step + x, y), "pixel " + x + "," + y);
                lit |= (image.getRGB(8 + x, y) & 0xFF) == 255;
            }
        }
        assertTrue(lit, "the digit reaches white");
    }

    @Test
    void demoOnTheDefaultDevice() {
        assumeTrue(CliTest.openClAvailable(), "no OpenCL device on this machine");
        Path png = dir.resolve("default.png");
        var r = CliTest.run("demo", "--png", png.toString());
        assertEquals(0, r.status(), r.err());
        assertReport(r.out(), png);
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("   device path: ")
                && l.endsWith("; untuned device default")).count(), r.out());
        assertTrue(Files.exists(png));
    }

    private static void assertReport(String out, Path png) {
        var lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("ConvCL demo: "), out);
        assertTrue(lines.get(1).startsWith("device: "), out);
        assertTrue(out.contains("within 1E-30 + 0.0001 * sum(|terms|) of the reference element"), out);
        for (String shape : List.of("input [1, 1, 28, 28], weight [5, 1, 3, 3], padding 1 -> output [1, 5, 28, 28]",
                "input [4, 3, 32, 32], weight [8, 3, 3, 3], bias [8], padding 1 -> output [4, 8, 32, 32]")) {
            assertTrue(out.contains("   conv2d: " + shape + "\n"), out);
        }
        assertEquals(2, lines.stream().filter(l -> l.matches("   time on the device: \\d+\\.\\d{3} ms \\(a second"
                + " run.*")).count(), out);
        for (int elements : new int[] {3920, 32768}) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("   matches the reference: largest |difference| ")
                    && l.endsWith(" over " + elements + " elements")).count(), out);
        }
        assertTrue(lines.contains("picture: " + png.toAbsolutePath()), out);
        assertTrue(out.contains("   filter of ones:                [[64,72],[88,96]]  "), out);
        assertTrue(out.contains("   vertical edge [[-1,1],[-1,1]]: [[4,4],[4,4]]  "), out);
        assertTrue(out.contains("   max pooling of each map:       96 and 4\n"), out);
        // The by-hand case sums small integers, which float32 holds exactly on any path.
        assertTrue(out.contains("   both steps match the reference: largest |difference| 0 (convolution), 0"
                + " (pooling)\n"), out);
        assertFalse(out.contains("source"), "words of material the reader has not seen: " + out);
    }

    @Test
    void demoIntoAMissingDirectoryFailsBeforeAnyWork() {
        var r = CliTest.run("demo", "--device", "reference", "--png", dir.resolve("absent/demo.png").toString());
        assertEquals(2, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("does not exist"), r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(dir.resolve("absent")));
    }

    @Test
    void digitIsAStrokeFigureInTheUnitRange() {
        Tensor seven = Digit.seven(28);
        int ink = 0, partial = 0;
        for (float v : seven.data()) {
            assertTrue(v >= 0 && v <= 1, "value " + v);
            ink += v == 1 ? 1 : 0;
            partial += v > 0 && v < 1 ? 1 : 0;
        }
        // MNIST digits cover roughly a tenth to a fifth of the image; antialiasing leaves grey edge pixels.
        assertTrue(ink > 60 && ink < 200, "full pixels: " + ink);
        assertTrue(partial > 20, "edge pixels: " + partial);
        assertEquals(0, seven.get(0, 0, 0, 0), "the border stays black");
    }
}
