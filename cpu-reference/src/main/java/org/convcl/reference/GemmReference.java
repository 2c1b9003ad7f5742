package org.convcl.reference;

import org.convcl.Tensor;

/**
 * Plain matrix product in double: {@code C = A * B} for row-major A (M, K) and B (K, N).
 * <p>Thread-safe: static functions without state.
 */
public final class GemmReference {
    private GemmReference() {
    }

    /**
     * @param a (M, K)
     * @param b (K, N)
     * @return (M, N)
     */
    public static Tensor gemm(Tensor a, Tensor b) {
        Tensor.requireRank("a", a, 2);
        Tensor.requireRank("b", b, 2);
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        if (b.dim(0) != k) {
            throw new IllegalArgumentException("b: " + b.dim(0) + " rows, must equal the " + k + " columns of a");
        }
        Tensor c = Tensor.zeros(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int l = 0; l < k; l++) {
                    acc += (double) a.data()[i * k + l] * b.data()[l * n + j];
                }
                c.data()[i * n + j] = (float) acc;
            }
        }
        return c;
    }
}
