package org.convcl.cli;

import java.util.function.Function;
import java.util.function.Supplier;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Pool2dParams;
import org.convcl.Pool2dShape;
import org.convcl.Tensor;

/**
 * The shape checks of the commands, with the fix added to the library's message where the mistake is plain: an
 * image without its batch dimension, a channels-last image, a weight shaped for another group count (a depthwise
 * weight without {@code --groups C}), a bias saved with extra dimensions. The fixes are written in NumPy, in which
 * the files are made.
 */
final class Hints {
    private Hints() {
    }

    /**
     * {@link Conv2dParams#shapeOf(Tensor, Tensor, Tensor)}, its message completed by a fix.
     *
     * @throws IllegalArgumentException the library's message, then the fix where one is plain
     */
    static Conv2dShape conv2dShape(Conv2dParams params, Tensor input, Tensor weight, Tensor bias) {
        return withHint(() -> params.shapeOf(input, weight, bias),
                message -> conv2dFix(message, params, input, weight, bias));
    }

    /**
     * {@link Pool2dParams#shapeOf(Tensor)}, its message completed by a fix.
     *
     * @throws IllegalArgumentException the library's message, then the fix where one is plain
     */
    static Pool2dShape poolShape(Pool2dParams params, Tensor input) {
        return withHint(() -> params.shapeOf(input), message -> batchFix(input));
    }

    /** @param fix from the library's message to the fix, or null where none is plain */
    private static <T> T withHint(Supplier<T> check, Function<String, String> fix) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            String hint = fix.apply(e.getMessage());
            if (hint == null) {
                throw e;
            }
            throw new IllegalArgumentException(e.getMessage() + "; " + hint, e);
        }
    }

    /** The fix for a rank-3 image: it lacks the batch dimension. */
    private static String batchFix(Tensor input) {
        int[] s = input.shape();
        return s.length != 3 ? null : "an image without its batch dimension? save x[numpy.newaxis], shape (1, "
                + s[0] + ", " + s[1] + ", " + s[2] + ")";
    }

    private static String conv2dFix(String message, Conv2dParams params, Tensor input, Tensor weight, Tensor bias) {
        int[] x = input.shape();
        int[] w = weight.shape();
        if (x.length == 3) {
            return batchFix(input);
        }
        if (x.length != 4 || w.length != 4) {
            return null;
        }
        int c = x[1], k = w[0], cPerGroup = w[1];
        int groups = params.groups();
        if (cPerGroup * groups != c) {
            if (x[3] == cPerGroup * groups && x[1] != x[3]) {
                return "the input looks channels-last (N, H, W, C); save x.transpose(0, 3, 1, 2), which is NCHW";
            }
            if (c % cPerGroup == 0 && k % (c / cPerGroup) == 0) {
                int fitting = c / cPerGroup;
                return (cPerGroup == 1 ? "the weight is shaped for a depthwise convolution (one input channel per"
                        + " filter): give --groups " + fitting : "the weight fits --groups " + fitting);
            }
            return null;
        }
        if (message.startsWith("bias:") && bias.size() == k) {
            return "save the bias one-dimensional: b.reshape(" + k + ")";
        }
        return null;
    }
}
