package org.convcl;

/**
 * Mixed tolerance: a value passes when {@code |got - expected| <= atol + rtol * |expected|}. NaN passes only
 * against NaN, and an infinity only against the same infinity, so a backend cannot hide a NaN behind a tolerance.
 * <p>Immutable, so thread-safe.
 */
public record Tolerance(double atol, double rtol) {

    /** For float32 results checked against a double-accumulated reference. */
    public static final Tolerance FLOAT32 = new Tolerance(1e-4, 1e-3);

    /**
     * For the Winograd path (3x3, stride 1) on float32 inputs of magnitude about 1: ten times the absolute part of
     * {@link #FLOAT32}. Its transforms mix whole tiles before and after the products, so each output carries the
     * rounding of larger transformed values, and F(4x4,3x3) scales by up to 8 and by 1/6 and 1/24, which float32
     * cannot hold exactly. Measured against the reference: on the device test sweeps (up to 70 channels) at most
     * 1.1e-5 absolute with F(2x2,3x3) and 3.2e-5 with F(4x4,3x3), both within FLOAT32; with 128 to 512 channels
     * (outputs up to 90) F(2x2) stayed below the direct GEMM's error (7e-5 against 1.9e-4) and F(4x4) reached
     * 6.8e-4 to 1.3e-3, about seven times the GEMM's.
     */
    public static final Tolerance WINOGRAD = new Tolerance(1e-3, 1e-3);

    /** Bit-exact: for inputs whose float32 sums are exact. */
    public static final Tolerance EXACT = new Tolerance(0, 0);

    /**
     * Checks the bounds.
     *
     * @param atol absolute part, {@code >= 0}
     * @param rtol relative part, {@code >= 0}
     * @throws IllegalArgumentException when {@code atol} or {@code rtol} is negative or NaN
     */
    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("tolerance: atol " + atol + " and rtol " + rtol + " must be >= 0");
        }
    }

    /**
     * The largest difference accepted around a value.
     *
     * @param expected the reference value
     * @return {@code atol + rtol * |expected|}
     */
    public double bound(double expected) {
        return atol + rtol * Math.abs(expected);
    }

    /**
     * Whether one value passes.
     *
     * @param got      the value checked
     * @param expected the reference value
     * @return true within the bound; NaN and infinities only when identical
     */
    public boolean accepts(float got, float expected) {
        if (Float.isNaN(expected) || Float.isInfinite(expected)) {
            return Float.compare(got, expected) == 0;
        }
        return Math.abs((double) got - expected) <= bound(expected);
    }

    /**
     * The first element where {@code got} and {@code expected} disagree.
     *
     * @param got      the tensor checked
     * @param expected the reference tensor
     * @return the first disagreement in row-major order, or null when shapes and values agree
     */
    public Mismatch firstMismatch(Tensor got, Tensor expected) {
        if (!java.util.Arrays.equals(got.shape(), expected.shape())) {
            return new Mismatch(-1, got.shape(), expected.shape(), Float.NaN, Float.NaN, this);
        }
        float[] g = got.data(), e = expected.data();
        for (int i = 0; i < e.length; i++) {
            if (!accepts(g[i], e[i])) {
                return new Mismatch(i, expected.shape(), expected.shape(), g[i], e[i], this);
            }
        }
        return null;
    }

    /**
     * One disagreement, or a shape disagreement when {@code index} is -1.
     *
     * @param index     flat row-major index, or -1 for a shape disagreement
     * @param gotShape  the checked tensor's shape
     * @param shape     the reference's shape
     * @param got       the checked value
     * @param expected  the reference value
     * @param tolerance the tolerance it broke
     */
    public record Mismatch(long index, int[] gotShape, int[] shape, float got, float expected, Tolerance tolerance) {
        @Override
        public String toString() {
            if (index < 0) {
                return "shape " + java.util.Arrays.toString(gotShape) + ", expected " + java.util.Arrays.toString(shape);
            }
            return "index " + java.util.Arrays.toString(unravel(index, shape)) + " (flat " + index + "): got " + got
                    + ", expected " + expected + ", |diff| " + Math.abs((double) got - expected) + " > tolerance "
                    + tolerance.bound(expected) + " (atol " + tolerance.atol() + ", rtol " + tolerance.rtol() + ")";
        }

        private static int[] unravel(long flat, int[] shape) {
            int[] idx = new int[shape.length];
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                idx[axis] = (int) (flat % shape[axis]);
                flat /= shape[axis];
            }
            return idx;
        }
    }
}
