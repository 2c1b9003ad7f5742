package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Function;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The backward references against central finite differences of the forward references, in double, of the loss
 * {@code L = sum(gradOutput * forward(...))}. Convolution and average pooling are linear, so the difference quotient
 * is exact whatever the step; max pooling is linear near its input when no two values are closer than the step,
 * so its input is a shuffled ramp with spacing 0.01 and the step is 0.001.
 */
class GradientReferenceTest {

    /** dL/d(values[i]) for every i, by central differences with step h. */
    private static double[] numericGradient(Tensor values, Tensor gradOutput, Function<Tensor, Tensor> forward, float h) {
        double[] grad = new double[values.size()];
        for (int i = 0; i < values.size(); i++) {
            float saved = values.data()[i];
            values.data()[i] = saved + h;
            double plus = dot(gradOutput, forward.apply(values));
            values.data()[i] = saved - h;
            double minus = dot(gradOutput, forward.apply(values));
            values.data()[i] = saved;
            grad[i] = (plus - minus) / (2.0 * h);
        }
        return grad;
    }

    /** Distinct values 0.01 apart, in random order. */
    private static Tensor shuffledRamp(long seed, int... shape) {
        var t = Tensor.zeros(shape);
        var order = new java.util.ArrayList<Integer>();
        for (int i = 0; i < t.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = order.get(i) * 0.01f - 1;
        }
        return t;
    }

    private static double dot(Tensor a, Tensor b) {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            sum += (double) a.data()[i] * b.data()[i];
        }
        return sum;
    }

    private static void assertClose(double[] expected, Tensor got, String what) {
        assertEquals(expected.length, got.size(), what);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-4 + 1e-4 * Math.abs(expected[i]);
            assertEquals(expected[i], got.data()[i], tol, what + " at " + i);
        }
    }

    @Test
    void conv2dGradientsMatchFiniteDifferences() {
        var cases = List.of(
                Conv2dParams.DEFAULT,
                new Conv2dParams(2, 1, 1, 2, 1, 2, 1),
                new Conv2dParams(1, 2, 2, 0, 2, 1, 2),
                Conv2dParams.DEFAULT.withGroups(4).withPadding(1, 1));
        long seed = 0;
        for (var p : cases) {
            seed++;
            var x = Tensor.seeded(seed).uniform(2, 4, 7, 6);
            var w = Tensor.seeded(seed + 10).uniform(4, 4 / p.groups(), 3, 2);
            var b = Tensor.seeded(seed + 20).uniform(4);
            var dy = Tensor.seeded(seed + 30).uniform(p.shapeOf(x, w, b).outputShape());
            var grads = Conv2dBackwardReference.backward(dy, x, w, p);
            assertClose(numericGradient(x, dy, v -> Conv2dReference.conv2d(v, w, b, p), 1f), grads.input(), p + " input");
            assertClose(numericGradient(w, dy, v -> Conv2dReference.conv2d(x, v, b, p), 1f), grads.weight(), p + " weight");
            assertClose(numericGradient(b, dy, v -> Conv2dReference.conv2d(x, w, v, p), 1f), grads.bias(), p + " bias");
        }
    }

    @Test
    void poolingGradientsMatchFiniteDifferences() {
        var cases = List.of(
                Pool2dParams.of(2, 2),
                Pool2dParams.of(3, 3).withStride(1, 1).withPadding(1, 1),
                Pool2dParams.of(3, 2).withStride(2, 1).withPadding(1, 0).withCeilMode(true).withCountIncludePad(false),
                Pool2dParams.of(3, 3).withStride(2, 2).withPadding(1, 1).withDivisorOverride(5).withCeilMode(true),
                Pool2dParams.of(2, 3).withStride(1, 2).withDilation(2, 1));
        long seed = 100;
        for (var p : cases) {
            seed++;
            var x = Tensor.seeded(seed).uniform(2, 3, 7, 8);
            var s = p.shapeOf(x);
            var dy = Tensor.seeded(seed + 1).uniform(s.outputShape());
            if (p.dilationH() == 1) {
                assertClose(numericGradient(x, dy, v -> PoolReference.avgPool2d(v, p), 1f),
                        PoolReference.avgPool2dBackward(dy, s), p + " avg");
            }
            var ramp = shuffledRamp(seed, x.shape());
            var max = PoolReference.maxPool2d(ramp, p);
            assertClose(numericGradient(ramp, dy, v -> PoolReference.maxPool2d(v, p).output(), 1e-3f),
                    PoolReference.maxPool2dBackward(dy, max.indices(), s), p + " max");
        }
    }
}
