package org.convcl.opencl.ops;

import java.util.ArrayList;
import java.util.List;
import org.convcl.Conv2dShape;

/**
 * How a convolution's column matrices are cut so that one chunk stays within a byte budget: whole images while at
 * least one fits, otherwise one image at a time in slices of output rows.
 */
public final class ColumnChunks {

    /** Images {@code [n0, n0 + images)}, output rows {@code [oh0, oh0 + rows)}. */
    public record Chunk(int n0, int images, int oh0, int rows) {
    }

    private ColumnChunks() {
    }

    /** Floats of the column matrix of one output row of one image: C*KH*KW rows by OW columns. */
    public static long floatsPerRow(Conv2dShape s) {
        return (long) s.c() * s.kh() * s.kw() * s.ow();
    }

    public static List<Chunk> plan(Conv2dShape s, long budgetBytes) {
        return plan(s, budgetBytes, 0, floatsPerRow(s), 1, "one output row needs a column matrix of");
    }

    /**
     * Chunks for buffers of {@code fixedFloats} floats per chunk plus {@code floatsPerStep} per step of
     * {@code rowsPerStep} output rows of one image (the last step of an image may be shorter): slices start at a
     * step.
     *
     * @param what what one step needs, for the message when one step and the fixed floats exceed the budget
     */
    public static List<Chunk> plan(Conv2dShape s, long budgetBytes, long fixedFloats, long floatsPerStep,
                                   int rowsPerStep, String what) {
        // The kernels index one chunk's columns with 32-bit integers.
        long budgetFloats = Math.min(budgetBytes / Float.BYTES, Integer.MAX_VALUE) - fixedFloats;
        if (floatsPerStep > budgetFloats) {
            throw new IllegalArgumentException("input: " + what + " " + (fixedFloats + floatsPerStep) * Float.BYTES
                    + " bytes, more than the column budget of " + budgetBytes + " bytes");
        }
        long perImage = floatsPerStep * ((s.oh() + rowsPerStep - 1) / rowsPerStep);
        List<Chunk> chunks = new ArrayList<>();
        if (perImage <= budgetFloats) {
            int step = (int) Math.min(s.n(), budgetFloats / perImage);
            for (int n0 = 0; n0 < s.n(); n0 += step) {
                chunks.add(new Chunk(n0, Math.min(step, s.n() - n0), 0, s.oh()));
            }
        } else {
            long rows = budgetFloats / floatsPerStep * rowsPerStep;
            for (int n = 0; n < s.n(); n++) {
                for (int oh0 = 0; oh0 < s.oh(); oh0 += rows) {
                    chunks.add(new Chunk(n, 1, oh0, (int) Math.min(rows, s.oh() - oh0)));
                }
            }
        }
        return chunks;
    }

    /** Floats the largest chunk of a plan needs. */
    public static long largest(Conv2dShape s, List<Chunk> chunks) {
        long max = 0;
        for (Chunk c : chunks) {
            max = Math.max(max, (long) c.images() * c.rows() * floatsPerRow(s));
        }
        return max;
    }
}
