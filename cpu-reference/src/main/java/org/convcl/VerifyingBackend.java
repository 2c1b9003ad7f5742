package org.convcl;

import java.util.Objects;
import java.util.function.Consumer;
import org.convcl.reference.ReferenceBackend;

/**
 * Runs the plain reference beside another backend on every call and throws {@link VerificationException} on the
 * first element outside the tolerance. Closing it closes the wrapped backend (and its reference).
 * <p>Thread-safe as far as the wrapped backend is: the reference beside it keeps no state.
 */
public final class VerifyingBackend implements Backend {
    private final Backend checked;
    private final Backend reference = new ReferenceBackend();
    private final Tolerance tolerance;
    private final Consumer<Check> passed;

    /** What one passed check compared, element for element, for reports such as {@code convcl --verify}'s. */
    public record Check(String op, Tensor got, Tensor expected, Tolerance tolerance) {
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
        return check("conv2d", checked.conv2d(input, weight, bias, params, residual, activation),
                reference.conv2d(input, weight, bias, params, residual, activation));
    }

    @Override
    public Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params) {
        return checkGradients("conv2dBackward", checked.conv2dBackward(gradOutput, input, weight, params),
                reference.conv2dBackward(gradOutput, input, weight, params));
    }

    @Override
    public Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        return check("convTranspose2d", checked.convTranspose2d(input, weight, bias, params),
                reference.convTranspose2d(input, weight, bias, params));
    }

    @Override
    public Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                   ConvTranspose2dParams params) {
        return checkGradients("convTranspose2dBackward",
                checked.convTranspose2dBackward(gradOutput, input, weight, params),
                reference.convTranspose2dBackward(gradOutput, input, weight, params));
    }

    private Conv2dGradients checkGradients(String op, Conv2dGradients got, Conv2dGradients expected) {
        check(op + " (input gradient)", got.input(), expected.input());
        check(op + " (weight gradient)", got.weight(), expected.weight());
        check(op + " (bias gradient)", got.bias(), expected.bias());
        return got;
    }

    @Override
    public Tensor activation(Tensor input, Activation activation) {
        return check("activation", checked.activation(input, activation), reference.activation(input, activation));
    }

    @Override
    public Tensor activationBackward(Tensor gradOutput, Tensor output, Activation activation) {
        return check("activationBackward", checked.activationBackward(gradOutput, output, activation),
                reference.activationBackward(gradOutput, output, activation));
    }

    @Override
    public MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params) {
        var got = checked.maxPool2d(input, params);
        var expected = reference.maxPool2d(input, params);
        check("maxPool2d", got.output(), expected.output());
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
        return check("maxPool2dOutput", checked.maxPool2dOutput(input, params),
                reference.maxPool2d(input, params).output());
    }

    @Override
    public Tensor avgPool2d(Tensor input, Pool2dParams params) {
        return check("avgPool2d", checked.avgPool2d(input, params), reference.avgPool2d(input, params));
    }

    @Override
    public Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape, Pool2dParams params) {
        return check("maxPool2dBackward", checked.maxPool2dBackward(gradOutput, indices, inputShape, params),
                reference.maxPool2dBackward(gradOutput, indices, inputShape, params));
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params) {
        return check("avgPool2dBackward", checked.avgPool2dBackward(gradOutput, inputShape, params),
                reference.avgPool2dBackward(gradOutput, inputShape, params));
    }

    private Tensor check(String op, Tensor got, Tensor expected) {
        var mismatch = tolerance.firstMismatch(got, expected);
        if (mismatch != null) {
            throw new VerificationException(op + " on " + checked.name() + " differs from the reference: " + mismatch);
        }
        passed.accept(new Check(op, got, expected, tolerance));
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
