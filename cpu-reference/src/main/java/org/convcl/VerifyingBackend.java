package org.convcl;

import java.util.Objects;
import java.util.function.Consumer;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.ReferenceBackend;

/**
 * Runs the plain reference beside another backend on every call and throws {@link VerificationException} on the
 * first element outside the tolerance, each element bounded by the magnitude of what it sums
 * ({@link Tolerance}, {@link Magnitudes}); max pooling, which copies an input, is checked exactly but for the
 * absolute part. Closing it closes the wrapped backend (and its reference).
 * <p>Thread-safe as far as the wrapped backend is: the reference beside it keeps no state.
 */
public final class VerifyingBackend implements Backend {
    private final Backend checked;
    private final Backend reference = new ReferenceBackend();
    private final Tolerance tolerance;
    private final Consumer<Check> passed;

    /**
     * What one passed check compared, element for element, for reports such as {@code convcl --verify}'s.
     *
     * @param op        the operation, and which of its results
     * @param got       the checked backend's result
     * @param expected  the reference's result
     * @param magnitude each element's sum of the absolute values of its terms
     * @param tolerance the bound each element met
     */
    public record Check(String op, Tensor got, Tensor expected, Tensor magnitude, Tolerance tolerance) {
    }

    /**
     * Checks {@code checked} against the reference within {@code tolerance}.
     *
     * @param checked   the backend whose results are checked; closed with this one
     * @param tolerance the bound on each element's difference
     * @throws NullPointerException when an argument is null
     */
    public VerifyingBackend(Backend checked, Tolerance tolerance) {
        this(checked, tolerance, check -> { });
    }

    /**
     * A verifying backend that also reports each check that passed, with both results, so that a caller can say
     * what was compared and how close it came (the command line's {@code --verify} does).
     *
     * @param checked   the backend whose results are checked; closed with this one
     * @param tolerance the bound on each element's difference
     * @param passed    told of every check that passed, in order, on the calling thread
     * @throws NullPointerException when an argument is null
     */
    public VerifyingBackend(Backend checked, Tolerance tolerance, Consumer<Check> passed) {
        this.checked = Objects.requireNonNull(checked, "checked");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
        this.passed = Objects.requireNonNull(passed, "passed");
    }

    /**
     * Checks {@code checked} against the reference within {@link Tolerance#FLOAT32}.
     *
     * @param checked the backend whose results are checked; closed with this one
     * @throws NullPointerException when {@code checked} is null
     */
    public VerifyingBackend(Backend checked) {
        this(checked, Tolerance.FLOAT32);
    }

    @Override
    public String name() {
        return checked.name() + " (verified)";
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual,
                         Activation activation) {
        var got = checked.conv2d(input, weight, bias, params, residual, activation);
        return check("conv2d", got, reference.conv2d(input, weight, bias, params, residual, activation),
                Magnitudes.conv2d(input, weight, bias, params, residual));
    }

    @Override
    public Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params) {
        var got = checked.conv2dBackward(gradOutput, input, weight, params);
        return checkGradients("conv2dBackward", got, reference.conv2dBackward(gradOutput, input, weight, params),
                Magnitudes.conv2dBackward(gradOutput, input, weight, params));
    }

    @Override
    public Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        var got = checked.convTranspose2d(input, weight, bias, params);
        return check("convTranspose2d", got, reference.convTranspose2d(input, weight, bias, params),
                Magnitudes.convTranspose2d(input, weight, bias, params));
    }

    @Override
    public Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                   ConvTranspose2dParams params) {
        var got = checked.convTranspose2dBackward(gradOutput, input, weight, params);
        return checkGradients("convTranspose2dBackward", got,
                reference.convTranspose2dBackward(gradOutput, input, weight, params),
                Magnitudes.convTranspose2dBackward(gradOutput, input, weight, params));
    }

    private Conv2dGradients checkGradients(String op, Conv2dGradients got, Conv2dGradients expected,
                                           Conv2dGradients magnitude) {
        check(op + " (input gradient)", got.input(), expected.input(), magnitude.input());
        check(op + " (weight gradient)", got.weight(), expected.weight(), magnitude.weight());
        check(op + " (bias gradient)", got.bias(), expected.bias(), magnitude.bias());
        return got;
    }

    @Override
    public Tensor activation(Tensor input, Activation activation) {
        var expected = reference.activation(input, activation);
        return check("activation", checked.activation(input, activation), expected, expected);
    }

    @Override
    public Tensor activationBackward(Tensor gradOutput, Tensor output, Activation activation) {
        var got = checked.activationBackward(gradOutput, output, activation);
        var expected = reference.activationBackward(gradOutput, output, activation);
        return check("activationBackward", got, expected, expected);
    }

    @Override
    public MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params) {
        var got = checked.maxPool2d(input, params);
        var expected = reference.maxPool2d(input, params);
        check("maxPool2d", got.output(), expected.output(), Magnitudes.none(expected.output()));
        for (int i = 0; i < expected.indices().length; i++) {
            if (got.indices()[i] != expected.indices()[i]) {
                throw new VerificationException("maxPool2d on " + checked.name() + " differs from the reference: index "
                        + i + " of the indices is " + got.indices()[i] + ", expected " + expected.indices()[i]);
            }
        }
        return got;
    }

    @Override
    public Tensor maxPool2dOutput(Tensor input, Pool2dParams params) {
        var got = checked.maxPool2dOutput(input, params);
        var expected = reference.maxPool2d(input, params).output();
        return check("maxPool2dOutput", got, expected, Magnitudes.none(expected));
    }

    @Override
    public Tensor avgPool2d(Tensor input, Pool2dParams params) {
        var got = checked.avgPool2d(input, params);
        return check("avgPool2d", got, reference.avgPool2d(input, params), Magnitudes.avgPool2d(input, params));
    }

    @Override
    public Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape, Pool2dParams params) {
        var got = checked.maxPool2dBackward(gradOutput, indices, inputShape, params);
        return check("maxPool2dBackward", got, reference.maxPool2dBackward(gradOutput, indices, inputShape, params),
                Magnitudes.maxPool2dBackward(gradOutput, indices, params.shapeOf(inputShape)));
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params) {
        var got = checked.avgPool2dBackward(gradOutput, inputShape, params);
        return check("avgPool2dBackward", got, reference.avgPool2dBackward(gradOutput, inputShape, params),
                Magnitudes.avgPool2dBackward(gradOutput, params.shapeOf(inputShape)));
    }

    private Tensor check(String op, Tensor got, Tensor expected, Tensor magnitude) {
        var mismatch = tolerance.firstMismatch(got, expected, magnitude);
        if (mismatch != null) {
            throw new VerificationException(op + " on " + checked.name() + " differs from the reference: " + mismatch);
        }
        passed.accept(new Check(op, got, expected, magnitude, tolerance));
        return got;
    }

    @Override
    public void close() {
        try {
            checked.close();
        } finally {
            reference.close();
        }
    }

    /** A device result outside the tolerance of the reference. */
    public static final class VerificationException extends RuntimeException {
        VerificationException(String message) {
            super(message);
        }
    }
}
