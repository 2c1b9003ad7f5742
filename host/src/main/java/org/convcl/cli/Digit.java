package org.convcl.cli;

import java.util.ArrayList;
import java.util.List;
import org.convcl.Tensor;

/** A handwritten-looking digit drawn from line strokes, like an MNIST sample: white on black, values in [0, 1]. */
final class Digit {
    /** Stroke half-width as a fraction of the image size: about 1.5 pixels at 28x28, as MNIST pen strokes. */
    private static final double HALF_WIDTH = 0.055;
    private static final int CURVE_STEPS = 12;

    /** A straight piece of stroke, in pixels. */
    private record Segment(double x0, double y0, double x1, double y1) {
        double distanceTo(double x, double y) {
            double dx = x1 - x0, dy = y1 - y0;
            double t = unit(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy));
            return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
        }
    }

    private Digit() {
    }

    /** A "7" with a slightly bent stem and a crossbar, as a (1, 1, size, size) tensor. */
    static Tensor seven(int size) {
        var strokes = new ArrayList<Segment>();
        // Coordinates are fractions of the image, so any size draws the same figure.
        strokes.add(line(size, 0.24, 0.25, 0.76, 0.21));
        strokes.addAll(curve(size, 0.76, 0.21, 0.56, 0.48, 0.43, 0.83));
        strokes.add(line(size, 0.37, 0.52, 0.67, 0.51));
        float[] pixels = new float[size * size];
        double halfWidth = HALF_WIDTH * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double distance = Double.MAX_VALUE;
                for (var s : strokes) {
                    distance = Math.min(distance, s.distanceTo(x + 0.5, y + 0.5));
                }
                // Coverage falls from 1 to 0 over the pixel that straddles the stroke edge: a cheap antialiasing.
                pixels[y * size + x] = (float) unit(halfWidth + 0.5 - distance);
            }
        }
        return new Tensor(pixels, 1, 1, size, size);
    }

    /** {@code v} clamped to [0, 1]. */
    private static double unit(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static Segment line(int size, double x0, double y0, double x1, double y1) {
        return new Segment(x0 * size, y0 * size, x1 * size, y1 * size);
    }

    /** A quadratic Bezier curve from (x0, y0) bent towards (cx, cy) to (x1, y1), as short segments. */
    private static List<Segment> curve(int size, double x0, double y0, double cx, double cy, double x1, double y1) {
        var segments = new ArrayList<Segment>();
        double px = x0, py = y0;
        for (int i = 1; i <= CURVE_STEPS; i++) {
            double t = (double) i / CURVE_STEPS, u = 1 - t;
            double x = u * u * x0 + 2 * u * t * cx + t * t * x1;
            double y = u * u * y0 + 2 * u * t * cy + t * t * y1;
            segments.add(line(size, px, py, x, y));
            px = x;
            py = y;
        }
        return segments;
    }
}
