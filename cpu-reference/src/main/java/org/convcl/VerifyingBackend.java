package org.convcl;

import java.util.Objects;
import org.convcl.reference.ReferenceBackend;

/**
 * Runs the plain reference beside another backend on every call and throws {@link VerificationException} on the
 * first element outside the tolerance. Closing it closes the wrapped backend (and its reference).
 */
public final class VerifyingBackend implements Backend {
    private final Backend checked;
    private final Backend reference = new ReferenceBackend();
    private final Tolerance tolerance;

    /**
     * Checks {@code checked} against the reference within {@code tolerance}.
     *
     * @param checked   the backend whose results are checked; closed with this one
     * @param tolerance the bound on each element's difference
     * @throws NullPointerException when an argument is null
     */
    public VerifyingBackend(Backend checked, Tolerance tolerance) {
        this.checked = Objects.requireNonNull(checked, "checked");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
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
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return check("conv2d", checked.conv2d(input, weight, bias, params), reference.conv2d(input, weight, bias, params));
    }

    @Override
    public Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params) {
        var got = checked.conv2dBackward(gradOutput, input, weight, params);
        var expected = reference.conv2dBackward(gradOutput, input, weight, params);
        check("conv2dBackward (input gradient)", got.input(), expected.input());
        check("conv2dBackward (weight gradient)", got.weight(), expected.weight());
        check("conv2dBackward (bias gradient)", got.bias(), expected.bias());
        return got;
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
