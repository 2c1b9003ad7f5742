package org.convcl.reference;

import org.convcl.Activation;
import org.convcl.Tensor;

/**
 * An activation and its gradient, element by element ({@link Activation#apply}, {@link Activation#gradient}).
 * <p>Thread-safe: static functions without state.
 */
public final class ActivationReference {
    private ActivationReference() {
    }

    /**
     * An activation applied element by element.
     *
     * @param input      any shape
     * @param activation the function applied to each element
     * @return {@code activation(input)}, shaped like input
     * @throws IllegalArgumentException when an argument is null
     */
    public static Tensor forward(Tensor input, Activation activation) {
        requireNonNull("input", input);
        requireNonNull("activation", activation);
        var y = Tensor.zeros("output", input.shape());
        float[] x = input.data(), out = y.data();
        for (int i = 0; i < x.length; i++) {
            out[i] = activation.apply(x[i]);
        }
        return y;
    }

    /**
     * The gradient of an activation with respect to its input, computed from its output.
     *
     * @param gradOutput the gradient with respect to {@code output}
     * @param output     the forward result, shaped like gradOutput
     * @param activation the forward pass's activation
     * @return the gradient with respect to the activation's input, shaped like gradOutput
     * @throws IllegalArgumentException when the shapes differ or an argument is null
     */
    public static Tensor backward(Tensor gradOutput, Tensor output, Activation activation) {
        requireNonNull("gradOutput", gradOutput);
        requireNonNull("activation", activation);
        Tensor.requireShape("output", output, gradOutput.shape());
        var grad = Tensor.zeros("gradient", gradOutput.shape());
        float[] dy = gradOutput.data(), y = output.data(), dz = grad.data();
        for (int i = 0; i < dy.length; i++) {
            dz[i] = activation.gradient(dy[i], y[i]);
        }
        return grad;
    }

    static void requireNonNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
    }
}
