package org.convcl.host;

import java.util.Objects;
import org.convcl.reference.Backend;
import org.convcl.reference.Conv2dParams;
import org.convcl.reference.ReferenceBackend;
import org.convcl.reference.Tensor;
import org.convcl.reference.Tolerance;

/**
 * Runs the plain reference beside another backend on every call and throws {@link VerificationException} on the
 * first element outside the tolerance. Closing it closes the wrapped backend.
 */
public final class VerifyingBackend implements Backend {
    private final Backend checked;
    private final Backend reference = new ReferenceBackend();
    private final Tolerance tolerance;

    public VerifyingBackend(Backend checked, Tolerance tolerance) {
        this.checked = Objects.requireNonNull(checked, "checked");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    }

    public VerifyingBackend(Backend checked) {
        this(checked, Tolerance.FLOAT32);
    }

    @Override
    public String name() {
        return checked.name() + " (verified)";
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        Tensor got = checked.conv2d(input, weight, bias, params);
        check("conv2d", got, reference.conv2d(input, weight, bias, params));
        return got;
    }

    private void check(String op, Tensor got, Tensor expected) {
        var mismatch = tolerance.firstMismatch(got, expected);
        if (mismatch != null) {
            throw new VerificationException(op + " on " + checked.name() + " differs from the reference: " + mismatch);
        }
    }

    @Override
    public void close() {
        checked.close();
    }

    /** A device result outside the tolerance of the reference. */
    public static final class VerificationException extends RuntimeException {
        VerificationException(String message) {
            super(message);
        }
    }
}
