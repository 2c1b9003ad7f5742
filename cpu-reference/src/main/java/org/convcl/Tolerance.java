package org.convcl;

/**
 * The bound on a float32 result's error against the double reference, the one every check uses ({@code convcl
 * --verify}, {@link VerifyingBackend}, the bench and the device tests): an element passes when
 * {@code |got - expected| <= atol + rtol * magnitude}, where the magnitude is the sum of the absolute values of the
 * terms the element adds up ({@code sum(|x_i * w_i|)} for a convolution), which the reference computes beside the
 * result ({@link org.convcl.reference.Magnitudes}). A float32 sum's rounding error is bounded by such a multiple of
 * its terms, not of its result: a sum that cancels (1e30 - 1e30 + 1) may be off by far more than its value, and a
 * wrong zero where the true result is small (1e-4 from terms of 1e-6) is still far outside the bound. For results
 * that are their own only term (element-wise operations) the magnitude is {@code |expected|}. NaN passes only
 * against NaN, and an infinity only against the same infinity, so a backend cannot hide a NaN behind a tolerance.
 * <p>Immutable, so thread-safe.
 */
public record Tolerance(double atol, double rtol) {

    /**
     * For float32 sums checked against the double reference. Relative part: float32 rounds each addition by at most
     * 2^-24 (6e-8) of the partial sum, so a sum of K terms in any order is within K * 6e-8 of its magnitude in the
     * worst case and about sqrt(K) * 6e-8 in practice; 1e-4 holds the worst case up to K = 1,600 and the practical
     * one far past the largest layer here (K = 18,432 gives 8e-6). Absolute part: what flushing subnormal products
     * to zero can lose (below 1.2e-38 each), over any K below 10^8; nothing a normal float32 result could hide in.
     */
    public static final Tolerance FLOAT32 = new Tolerance(1e-30, 1e-4);

    /**
     * For the Winograd path (3x3, stride 1): ten times the relative part of {@link #FLOAT32}. Its transforms mix
     * whole tiles before and after the products, so each output carries the rounding of transformed values larger
     * than the terms of the direct sum, and F(4x4,3x3) scales by up to 8 and by 1/6 and 1/24, which float32 cannot
     * hold exactly. Measured against the reference: on the device test sweeps (up to 70 channels) at most 1.1e-5
     * absolute with F(2x2,3x3) and 3.2e-5 with F(4x4,3x3); with 128 to 512 channels (outputs up to 90, magnitudes
     * 300 to 1,200) F(2x2) stayed below the direct GEMM's error (7e-5 against 1.9e-4) and F(4x4) reached 6.8e-4 to
     * 1.3e-3, about seven times the GEMM's and still near 1e-6 of the magnitude.
     */
    public static final Tolerance WINOGRAD = new Tolerance(1e-30, 1e-3);

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
     * The largest difference accepted for an element of this magnitude.
     *
     * @param magnitude the sum of the absolute values of the element's terms
     * @return {@code atol + rtol * |magnitude|}
     */
    public double bound(double magnitude) {
        return atol + rtol * Math.abs(magnitude);
    }

    /**
     * Whether one value passes, for a result that is its own only term ({@code magnitude = |expected|}).
     *
     * @param got      the value checked
     * @param expected the reference value
     * @return true within the bound; NaN and infinities only when identical
     */
    public boolean accepts(float got, float expected) {
        return accepts(got, expected, expected);
    }

    /**
     * Whether one value passes.
     *
     * @param got       the value checked
     * @param expected  the reference value
     * @param magnitude the sum of the absolute values of its terms
     * @return true within the bound; NaN and infinities only when identical
     */
    public boolean accepts(float got, float expected, float magnitude) {
        if (Float.isNaN(expected) || Float.isInfinite(expected)) {
            return Float.compare(got, expected) == 0;
        }
        return Math.abs((double) got - expected) <= bound(magnitude);
    }

    /**
     * The first element where {@code got} and {@code expected} disagree, for results that are their own only term
     * (element-wise operations, copies): each element's magnitude is {@code |expected|}. Sums take
     * {@link #firstMismatch(Tensor, Tensor, Tensor)}.
     *
     * @param got      the tensor checked
     * @param expected the reference tensor
     * @return the first disagreement in row-major order, or null when shapes and values agree
     */
    public Mismatch firstMismatch(Tensor got, Tensor expected) {
        return firstMismatch(got, expected, expected);
    }

    /**
     * The first element where {@code got} and {@code expected} disagree by more than the bound of its magnitude.
     *
     * @param got       the tensor checked
     * @param expected  the reference tensor
     * @param magnitude each element's sum of the absolute values of its terms, shaped like {@code expected}
     * @return the first disagreement in row-major order, or null when shapes and values agree
     * @throws IllegalArgumentException when {@code magnitude} is not shaped like {@code expected}
     */
    public Mismatch firstMismatch(Tensor got, Tensor expected, Tensor magnitude) {
        Tensor.requireShape("magnitude", magnitude, expected.shape());
        if (!java.util.Arrays.equals(got.shape(), expected.shape())) {
            return new Mismatch(-1, got.shape(), expected.shape(), Float.NaN, Float.NaN, Float.NaN, this);
        }
        float[] g = got.data(), e = expected.data(), m = magnitude.data();
        for (int i = 0; i < e.length; i++) {
            if (!accepts(g[i], e[i], m[i])) {
                return new Mismatch(i, expected.shape(), expected.shape(), g[i], e[i], m[i], this);
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
     * @param magnitude the sum of the absolute values of its terms
     * @param tolerance the tolerance it broke
     */
    public record Mismatch(long index, int[] gotShape, int[] shape, float got, float expected, float magnitude,
                           Tolerance tolerance) {
        @Override
        public String toString() {
            if (index < 0) {
                return "shape " + java.util.Arrays.toString(gotShape) + ", expected " + java.util.Arrays.toString(shape);
            }
            return "index " + java.util.Arrays.toString(unravel(index, shape)) + " (flat " + index + "): got " + got
                    + ", expected " + expected + ", |diff| " + Math.abs((double) got - expected) + " > tolerance "
                    + tolerance.bound(magnitude) + " (atol " + tolerance.atol() + " + rtol " + tolerance.rtol()
                    + " * magnitude " + magnitude + ")";
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
