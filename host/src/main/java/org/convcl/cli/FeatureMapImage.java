package org.convcl.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.convcl.Tensor;
import org.convcl.io.AtomicFile;

/**
 * 2-D maps side by side in one grayscale picture: each map scaled up by whole pixels, stretched from its own minimum
 * (black) to its own maximum (white), with its label above it.
 */
final class FeatureMapImage {
    private static final int GAP = 8;
    private static final int LABEL_HEIGHT = 16;
    private static final Color BACKGROUND = new Color(40, 40, 40);
    private static final Color TEXT = new Color(220, 220, 220);

    /** One map of {@code height x width} values in row-major order. */
    record Panel(String label, float[] values, int height, int width) {
        /** Plane (n, c) of an (N, C, H, W) tensor. */
        static Panel of(String label, Tensor t, int n, int c) {
            int h = t.dim(2), w = t.dim(3);
            int from = (n * t.dim(1) + c) * h * w;
            float[] plane = new float[h * w];
            System.arraycopy(t.data(), from, plane, 0, plane.length);
            return new Panel(label, plane, h, w);
        }
    }

    private FeatureMapImage() {
    }

    /** Draws the panels left to right, each {@code scale} times its size, separated by gaps. */
    static BufferedImage render(List<Panel> panels, int scale) {
        int width = GAP, height = 0;
        for (var p : panels) {
            width += p.width() * scale + GAP;
            height = Math.max(height, p.height() * scale);
        }
        var image = new BufferedImage(width, LABEL_HEIGHT + height + 2 * GAP, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int x = GAP;
            for (var p : panels) {
                g.setColor(TEXT);
                g.drawString(p.label(), x, GAP + LABEL_HEIGHT - 5);
                drawMap(image, p, x, GAP + LABEL_HEIGHT, scale);
                x += p.width() * scale + GAP;
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders the panels and writes them as a PNG, atomically. */
    static void write(Path file, List<Panel> panels, int scale) throws IOException {
        var image = render(panels, scale);
        AtomicFile.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("this Java runtime has no PNG writer");
            }
        });
    }

    private static void drawMap(BufferedImage image, Panel p, int left, int top, int scale) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float v : p.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        // A flat map has no range to stretch; it is drawn black rather than divided by zero.
        float range = max > min ? max - min : Float.POSITIVE_INFINITY;
        for (int y = 0; y < p.height(); y++) {
            for (int x = 0; x < p.width(); x++) {
                int level = Math.round(255 * (p.values()[y * p.width() + x] - min) / range);
                int rgb = level << 16 | level << 8 | level;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        image.setRGB(left + x * scale + dx, top + y * scale + dy, rgb);
                    }
                }
            }
        }
    }
}
