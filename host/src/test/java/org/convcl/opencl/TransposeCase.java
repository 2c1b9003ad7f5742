package org.convcl.opencl;

import java.util.Random;
import org.convcl.ConvTranspose2dParams;
import org.convcl.ConvTranspose2dShape;
import org.convcl.Tensor;

/**
 * One transposed convolution to run on the device and on the reference: shapes, parameters and a seed for the data.
 * Written as {@code TransposeCase.named("upsample").input(2, 4, 5, 5).outputs(6, 3, 3).params(p).withBias().seed(3)}.
 */
record TransposeCase(String label, int n, int cIn, int h, int w, int cOut, int kh, int kw,
                     ConvTranspose2dParams params, boolean bias, long seed) {

    static Builder named(String label) {
        return new Builder(label);
    }

    /** Collects a case's parts by name; {@link #seed} completes it. */
    static final class Builder {
        private final String label;
        private int[] input;
        private int[] outputs;
        private ConvTranspose2dParams params = ConvTranspose2dParams.DEFAULT;
        private boolean bias;

        private Builder(String label) {
            this.label = label;
        }

        /** Input (n, cIn, h, w). */
        Builder input(int n, int cIn, int h, int w) {
            input = new int[] {n, cIn, h, w};
            return this;
        }

        /** cOut output channels from kh x kw kernels. */
        Builder outputs(int cOut, int kh, int kw) {
            outputs = new int[] {cOut, kh, kw};
            return this;
        }

        Builder params(ConvTranspose2dParams p) {
            params = p;
            return this;
        }

        Builder withBias() {
            bias = true;
            return this;
        }

        /** The finished case, its data drawn from {@code seed}. */
        TransposeCase seed(long seed) {
            return new TransposeCase(label, input[0], input[1], input[2], input[3], outputs[0], outputs[1],
                    outputs[2], params, bias, seed);
        }
    }

    Tensor input() {
        return Tensor.seeded(seed).uniform(n, cIn, h, w);
    }

    /** (cIn, cOut/groups, kh, kw), as PyTorch's ConvTranspose2d holds it. */
    Tensor weight() {
        return Tensor.seeded(seed + 1).uniform(cIn, cOut / params.groups(), kh, kw);
    }

    Tensor biasOrNull() {
        return bias ? Tensor.seeded(seed + 2).uniform(cOut) : null;
    }

    /** A gradient for the output, drawn from the seed too. */
    Tensor gradOutput() {
        return Tensor.seeded(seed + 3).uniform(shape().outputShape());
    }

    ConvTranspose2dShape shape() {
        return params.shapeOf(new int[] {n, cIn, h, w}, new int[] {cIn, cOut / params.groups(), kh, kw}, null);
    }

    @Override
    public String toString() {
        return label + ": x(" + n + "," + cIn + "," + h + "," + w + ") w(" + cIn + "," + cOut / params.groups() + ","
                + kh + "," + kw + ") " + params + (bias ? " +bias" : "");
    }

    /**
     * A legal transposed convolution with small random sizes: up to 3 groups (or depthwise), kernels up to 5,
     * strides up to 3, dilation up to 2, padding up to 3, output padding below the stride or the dilation, and
     * spatial sizes up to 9.
     */
    static TransposeCase random(long seed) {
        var r = new Random(seed);
        while (true) {
            int g = 1 + r.nextInt(3);
            boolean depthwise = r.nextInt(6) == 0;
            int cIn = depthwise ? g : g * (1 + r.nextInt(4));
            int cOut = depthwise ? g : g * (1 + r.nextInt(4));
            int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5);
            int sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            var p = new ConvTranspose2dParams(sh, sw, r.nextInt(4), r.nextInt(4), r.nextInt(Math.max(sh, dh)),
                    r.nextInt(Math.max(sw, dw)), dh, dw, g);
            int h = 1 + r.nextInt(9), w = 1 + r.nextInt(9);
            boolean fits = ConvTranspose2dParams.outputSize(h, kh, sh, p.padH(), p.outputPadH(), dh) >= 1
                    && ConvTranspose2dParams.outputSize(w, kw, sw, p.padW(), p.outputPadW(), dw) >= 1;
            if (fits) {
                var builder = named("random " + seed).input(1 + r.nextInt(4), cIn, h, w).outputs(cOut, kh, kw)
                        .params(p);
                return (r.nextBoolean() ? builder.withBias() : builder).seed(seed);
            }
        }
    }
}
