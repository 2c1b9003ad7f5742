package org.convcl.reference;

/** The specification as a {@link Backend}: every operation is the plain loop implementation of this module. */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference (plain Java loops)";
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return Conv2dReference.conv2d(input, weight, bias, params);
    }
}
