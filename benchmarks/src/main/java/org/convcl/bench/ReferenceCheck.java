package org.convcl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;

/**
 * The reference's answer for one bench case, and the check of a contender's result against it within
 * {@link Tolerance#FLOAT32} of each element's magnitude. A small case (and every pooling case) is computed and
 * checked in full. A large one on a seeded sample: every element of a set of output rows (the first and last row of
 * every plane, and {@link #SAMPLED_ROWS} more drawn from all rows), plus the first and last column of every row, so
 * that every border of every plane, where tiles are partial and indexing goes wrong, is checked; the reference
 * computes only those elements, which is what makes the check cheap. A plane is one image's channel, OH x OW; an
 * SGEMM case's output (1, M, 1, N) is the matrix C, so there its plane is C, of M rows.
 */
final class ReferenceCheck {
    /** At most 0.2 GFLOP, about half a second of the reference here, and a case is checked in full. */
    static final double FULL_UP_TO_FLOPS = 2e8;
    static final int SAMPLED_ROWS = 32;

    /** Output rows (of {@code N * K * OH}, as the reference numbers them) and columns: their crossing elements. */
    private record Selection(int[] rows, int[] columns) {
    }

    /** Output rows and columns with the reference's elements and their magnitudes there, (rows, columns). */
    private record Block(int[] rows, int[] columns, Tensor expected, Tensor magnitude) {
        long size() {
            return (long) rows.length * columns.length;
        }
    }

    private final BenchCase benchCase;
    private final List<Block> blocks;
    private final double referenceMillis;

    private ReferenceCheck(BenchCase benchCase, List<Block> blocks, double referenceMillis) {
        this.benchCase = benchCase;
        this.blocks = blocks;
        this.referenceMillis = referenceMillis;
    }

    /** Runs the reference on {@code c}'s data, in full or on its sample. */
    static ReferenceCheck of(BenchCase c, Tensor input, Tensor weight) {
        int[] out = c.outputShape();
        int rows = out[0] * out[1] * out[2], width = out[3];
        if (c.pooling()) {
            long start = System.nanoTime();
            var expected = c.reference(input, weight);
            double ms = (System.nanoTime() - start) / 1e6;
            var magnitude = c.kind() == BenchCase.Kind.AVG_POOL ? Magnitudes.avgPool2d(input, c.pool())
                    : Magnitudes.none(expected);
            return new ReferenceCheck(c, List.of(new Block(every(rows), every(width),
                    new Tensor(expected.data(), rows, width), new Tensor(magnitude.data(), rows, width))), ms);
        }
        List<Selection> selections = c.flops() <= FULL_UP_TO_FLOPS
                ? List.of(new Selection(every(rows), every(width))) : sample(c, rows, width);
        var blocks = new ArrayList<Block>();
        long start = System.nanoTime();
        for (var s : selections) {
            blocks.add(new Block(s.rows(), s.columns(),
                    Conv2dReference.conv2d(input, weight, null, c.params(), s.rows(), s.columns()), null));
        }
        double ms = (System.nanoTime() - start) / 1e6;
        for (int i = 0; i < blocks.size(); i++) {
            var b = blocks.get(i);
            blocks.set(i, new Block(b.rows(), b.columns(), b.expected(),
                    Magnitudes.conv2d(input, weight, null, c.params(), b.rows(), b.columns())));
        }
        return new ReferenceCheck(c, blocks, ms);
    }

    /** The sampled rows with every column, then every row's first and last column. */
    private static List<Selection> sample(BenchCase c, int rows, int width) {
        int planeRows = c.sgemm() ? c.cout() : c.outputShape()[2];
        var chosen = new TreeSet<Integer>();
        for (int plane = 0; plane < rows / planeRows; plane++) {
            chosen.add(plane * planeRows);
            chosen.add(plane * planeRows + planeRows - 1);
        }
        var random = new Random(c.name().hashCode());
        for (int i = 0; i < SAMPLED_ROWS; i++) {
            chosen.add(random.nextInt(rows));
        }
        int[] sampledRows = chosen.stream().mapToInt(Integer::intValue).toArray();
        int[] edges = width == 1 ? new int[] {0} : new int[] {0, width - 1};
        return List.of(new Selection(sampledRows, every(width)), new Selection(every(rows), edges));
    }

    private static int[] every(int count) {
        return IntStream.range(0, count).toArray();
    }

    /** Whether every element of the output was computed and is checked. */
    boolean full() {
        return blocks.size() == 1 && blocks.get(0).size() == outputSize();
    }

    /** For the CSV: {@code full}, or {@code sampled (n of m)} with the elements checked and the output's size. */
    String describe() {
        return full() ? "full" : String.format(Locale.ROOT, "sampled (%d of %d)", checkedElements(), outputSize());
    }

    /**
     * The reference's time for the whole output: measured, and where sampled scaled from the elements computed, as
     * every output element of a convolution costs the same (taps on the padding included).
     */
    double fullReferenceMillis() {
        return referenceMillis * outputSize() / blocks.stream().mapToLong(Block::size).sum();
    }

    /** Elements compared; where the blocks overlap (a sampled row's first and last columns) once. */
    long checkedElements() {
        if (full()) {
            return outputSize();
        }
        var rows = blocks.get(0).rows();
        int edges = blocks.get(1).columns().length;
        return blocks.get(0).size() + blocks.get(1).size() - (long) rows.length * edges;
    }

    private long outputSize() {
        return Tensor.elementCount(benchCase.outputShape());
    }

    /**
     * The first element of {@code got} (the whole output) outside the tolerance, among those checked.
     *
     * @return the mismatch with its index in the whole output, or null when they agree
     */
    Tolerance.Mismatch firstMismatch(Tensor got) {
        int[] shape = benchCase.outputShape();
        if (!java.util.Arrays.equals(got.shape(), shape)) {
            return new Tolerance.Mismatch(-1, got.shape(), shape, Float.NaN, Float.NaN, Float.NaN, Tolerance.FLOAT32);
        }
        int width = shape[3];
        for (var b : blocks) {
            float[] picked = new float[(int) b.size()];
            for (int r = 0; r < b.rows().length; r++) {
                for (int c = 0; c < b.columns().length; c++) {
                    picked[r * b.columns().length + c] = got.data()[b.rows()[r] * width + b.columns()[c]];
                }
            }
            var m = Tolerance.FLOAT32.firstMismatch(new Tensor(picked, b.expected().shape()), b.expected(),
                    b.magnitude());
            if (m != null) {
                int r = (int) (m.index() / b.columns().length), c = (int) (m.index() % b.columns().length);
                return new Tolerance.Mismatch((long) b.rows()[r] * width + b.columns()[c], shape, shape, m.got(),
                        m.expected(), m.magnitude(), m.tolerance());
            }
        }
        return null;
    }
}
