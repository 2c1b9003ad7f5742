package org.convcl.reference;

/**
 * The operations every ConvCL backend provides, with PyTorch's semantics (NCHW float32, cross-correlation).
 * The plain CPU implementation is {@link ReferenceBackend}; the OpenCL one lives in the host module.
 */
public interface Backend extends AutoCloseable {

    /** A short name for reports, for example the device name. */
    String name();

    /**
     * 2-D cross-correlation, as {@code torch.nn.functional.conv2d}.
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/groups, KH, KW)
     * @param bias   (K), or null for none
     * @return (N, K, OH, OW) with {@code OH = floor((H + 2*padH - dilationH*(KH-1) - 1) / strideH) + 1}, OW alike
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params);

    @Override
    default void close() {
    }
}
