package org.convcl;

/**
 * Max pooling's output and, for each output element, where its maximum came from: {@code ih * W + iw} within the
 * input plane, as PyTorch's {@code return_indices}. Both are (N, C, OH, OW), row-major.
 * <p>Thread-safe as far as its parts are: the output tensor and the index array are referred to, not copied.
 */
public record MaxPool2dResult(Tensor output, long[] indices) {
    /**
     * Checks that there is one index per output element.
     *
     * @param output  (N, C, OH, OW)
     * @param indices one per output element, {@code ih * W + iw} within its input plane
     * @throws IllegalArgumentException naming {@code indices} when its length differs from the output's size
     */
    public MaxPool2dResult {
        if (indices.length != output.size()) {
            throw new IllegalArgumentException("indices: " + indices.length + " values for an output of "
                    + output.size());
        }
    }
}
