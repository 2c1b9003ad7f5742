package org.convcl.reference;

import org.convcl.Activation;
import org.convcl.Backend;
import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.MaxPool2dResult;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;

/**
 * The specification as a {@link Backend}: every operation is the plain loop implementation of this module. It holds
 * nothing to release, but behaves like every backend once closed: calls throw {@link IllegalStateException}.
 * <p>Thread-safe: it keeps no state but whether it is closed.
 */
public final class ReferenceBackend implements Backend {
    private volatile boolean closed;

    @Override
    public String name() {
        return "reference (plain Java loops)";
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual,
                         Activation activation) {
        return Conv2dReference.conv2d(input, weight, bias, checked(params), residual, activation);
    }

    @Override
    public Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params) {
        return Conv2dBackwardReference.backward(gradOutput, input, weight, checked(params));
    }

    @Override
    public Tensor activation(Tensor input, Activation activation) {
        return ActivationReference.forward(input, checked("activation", activation));
    }

    @Override
    public Tensor activationBackward(Tensor gradOutput, Tensor output, Activation activation) {
        return ActivationReference.backward(gradOutput, output, checked("activation", activation));
    }

    @Override
    public Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        return ConvTranspose2dReference.convTranspose2d(input, weight, bias, checked(params));
    }

    @Override
    public Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                   ConvTranspose2dParams params) {
        return ConvTranspose2dReference.backward(gradOutput, input, weight, checked(params));
    }

    @Override
    public MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params) {
        return PoolReference.maxPool2d(input, checked(params));
    }

    @Override
    public Tensor avgPool2d(Tensor input, Pool2dParams params) {
        return PoolReference.avgPool2d(input, checked(params));
    }

    @Override
    public Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape, Pool2dParams params) {
        return PoolReference.maxPool2dBackward(gradOutput, indices,
                checked(params).shapeOf(checked("inputShape", inputShape)));
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params) {
        return PoolReference.avgPool2dBackward(gradOutput,
                checked(params).shapeOf(checked("inputShape", inputShape)));
    }

    /** Null parameters are an argument error like any other, not a NullPointerException from inside the loops. */
    private <P> P checked(P params) {
        return checked("params", params);
    }

    private <P> P checked(String name, P value) {
        if (closed) {
            throw new IllegalStateException("the reference backend is closed");
        }
        if (value == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        return value;
    }

    @Override
    public void close() {
        closed = true;
    }
}
