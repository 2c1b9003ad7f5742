package org.convcl.opencl;

import java.util.Random;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Tensor;

/**
 * One convolution to run on the device and on the reference: shapes, parameters and a seed for the data. Written as
 * {@code DeviceCase.named("depthwise").input(2, 16, 12, 12).filters(16, 3, 3).params(p).withBias().seed(12)}.
 */
record DeviceCase(String label, int n, int c, int h, int w, int k, int kh, int kw, Conv2dParams params, boolean bias,
                  long seed) {

    static Builder named(String label) {
        return new Builder(label);
    }

    /** Collects a case's parts by name; {@link #seed} completes it. */
    static final class Builder {
        private final String label;
        private int[] input;
        private int[] filters;
        private Conv2dParams params = Conv2dParams.DEFAULT;
        private boolean bias;

        private Builder(String label) {
            this.label = label;
        }

        /** Input (n, c, h, w). */
        Builder input(int n, int c, int h, int w) {
            input = new int[] {n, c, h, w};
            return this;
        }

        /** k filters of kh x kw; their depth is c / groups. */
        Builder filters(int k, int kh, int kw) {
            filters = new int[] {k, kh, kw};
            return this;
        }

        Builder params(Conv2dParams p) {
            params = p;
            return this;
        }

        Builder withBias() {
            bias = true;
            return this;
        }

        /** The finished case, its data drawn from {@code seed}. */
        DeviceCase seed(long seed) {
            return new DeviceCase(label, input[0], input[1], input[2], input[3], filters[0], filters[1], filters[2],
                    params, bias, seed);
        }
    }

    Tensor input() {
        return Tensor.seeded(seed).uniform(n, c, h, w);
    }

    Tensor weight() {
        return Tensor.seeded(seed + 1).uniform(k, c / params.groups(), kh, kw);
    }

    Tensor biasOrNull() {
        return bias ? Tensor.seeded(seed + 2).uniform(k) : null;
    }

    Conv2dShape shape() {
        return params.shapeOf(new int[] {n, c, h, w}, new int[] {k, c / params.groups(), kh, kw}, null);
    }

    @Override
    public String toString() {
        return label + ": x(" + n + "," + c + "," + h + "," + w + ") w(" + k + "," + c / params.groups() + "," + kh
                + "," + kw + ") " + params + (bias ? " +bias" : "");
    }

    /**
     * A legal convolution with small random sizes: up to 3 groups (or depthwise), kernels up to 5, strides up to 3,
     * dilation up to 2, padding up to 3 on each side apart, and spatial sizes from the smallest the kernel allows to 14.
     */
    static DeviceCase random(long seed) {
        var r = new Random(seed);
        while (true) {
            int g = 1 + r.nextInt(3);
            boolean depthwise = r.nextInt(6) == 0;
            int c = depthwise ? g : g * (1 + r.nextInt(5));
            int k = g * (1 + r.nextInt(depthwise ? 2 : 6));
            int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5);
            var p = new Conv2dParams(1 + r.nextInt(3), 1 + r.nextInt(3), r.nextInt(4), r.nextInt(4), r.nextInt(4),
                    r.nextInt(4), 1 + r.nextInt(2), 1 + r.nextInt(2), g, false);
            int h = 1 + r.nextInt(14), w = 1 + r.nextInt(14);
            boolean fits = p.dilationH() * (kh - 1) + 1 <= h + p.padTop() + p.padBottom()
                    && p.dilationW() * (kw - 1) + 1 <= w + p.padLeft() + p.padRight();
            if (fits) {
                var builder = named("random " + seed).input(1 + r.nextInt(4), c, h, w).filters(k, kh, kw).params(p);
                return (r.nextBoolean() ? builder.withBias() : builder).seed(seed);
            }
        }
    }

    /**
     * A random convolution the Winograd path runs (3x3, stride 1, dilation 1, one group): up to 4 images, up to 9
     * channels each way, padding up to 2 on each side apart and sizes from the smallest the padding allows to 40, so
     * both F(2x2,3x3) and F(4x4,3x3) (from 256 tiles) are drawn.
     */
    static DeviceCase randomWinograd(long seed) {
        var r = new Random(seed);
        int top = r.nextInt(3), bottom = r.nextInt(3), left = r.nextInt(3), right = r.nextInt(3);
        int h = Math.max(1, 3 - top - bottom) + r.nextInt(40), w = Math.max(1, 3 - left - right) + r.nextInt(40);
        var builder = named("random Winograd " + seed).input(1 + r.nextInt(4), 1 + r.nextInt(9), h, w)
                .filters(1 + r.nextInt(9), 3, 3).params(Conv2dParams.DEFAULT.withPadding(top, bottom, left, right));
        return (r.nextBoolean() ? builder.withBias() : builder).seed(seed);
    }
}
