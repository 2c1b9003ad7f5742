package org.convcl.reference;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Tensor;

/**
 * The column matrix of one image: row {@code (c*KH + i)*KW + j}, column {@code oh*OW + ow} holds the input value
 * under kernel tap (i, j) of channel c for output pixel (oh, ow), or 0 where the tap falls in the padding.
 * <p>Thread-safe: static functions without state.
 */
public final class Im2colReference {
    private Im2colReference() {
    }

    /**
     * The column matrix of image {@code n}.
     *
     * @param input (N, C, H, W)
     * @param n     image index
     * @param s     the convolution's sizes, from {@link org.convcl.Conv2dParams#shapeOf}
     * @return (C*KH*KW, OH*OW) as a rank-2 tensor
     */
    public static Tensor im2col(Tensor input, int n, Conv2dShape s) {
        Conv2dParams p = s.params();
        int rows = s.c() * s.kh() * s.kw();
        int cols = Math.toIntExact(s.outputPlane());
        Tensor col = Tensor.zeros(rows, cols);
        float[] x = input.data(), out = col.data();
        for (int c = 0; c < s.c(); c++) {
            for (int i = 0; i < s.kh(); i++) {
                for (int j = 0; j < s.kw(); j++) {
                    int row = (c * s.kh() + i) * s.kw() + j;
                    for (int oh = 0; oh < s.oh(); oh++) {
                        long ih = (long) oh * p.strideH() - p.padTop() + (long) i * p.dilationH();
                        for (int ow = 0; ow < s.ow(); ow++) {
                            long iw = (long) ow * p.strideW() - p.padLeft() + (long) j * p.dilationW();
                            boolean inside = ih >= 0 && ih < s.h() && iw >= 0 && iw < s.w();
                            out[row * cols + oh * s.ow() + ow] =
                                    inside ? x[((n * s.c() + c) * s.h() + (int) ih) * s.w() + (int) iw] : 0f;
                        }
                    }
                }
            }
        }
        return col;
    }
}
