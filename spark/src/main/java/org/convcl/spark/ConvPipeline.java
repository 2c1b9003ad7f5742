package org.convcl.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.convcl.Activation;
import org.convcl.Backend;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;

/**
 * What a Spark job applies to each image: conv2d with its weight and parameters, an optional bias, an optional
 * activation fused into the convolution, then an optional max pooling; the PyTorch equivalent is
 * {@code F.max_pool2d(act(F.conv2d(x, w, b, ...)), ...)}. Built by name, step by step, each step checked at once:
 *
 * <pre>{@code
 * ConvPipeline pipeline = ConvPipeline.forImages(1, 28, 28)            // each row's image is (C, H, W)
 *         .conv2d(weight, Conv2dParams.DEFAULT.withPadding(1, 1))      // weight (K, C/groups, KH, KW)
 *         .withBias(bias)                                              // (K)
 *         .withActivation(Activation.relu())
 *         .withMaxPool(Pool2dParams.of(2, 2));
 * }</pre>
 *
 * <p>Holds copies of the weight and bias, so the job ships them (broadcast, once per executor) with the rest.
 * Immutable, so thread-safe. Serialized only to reach the executors of the same build.
 *
 * @serial exclude
 */
public final class ConvPipeline implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] imageShape;
    private final float[] weight;
    private final int[] weightShape;
    private final float[] bias;
    private final Conv2dParams params;
    private final Activation activation;
    private final Pool2dParams pool;

    private ConvPipeline(int[] imageShape, float[] weight, int[] weightShape, float[] bias, Conv2dParams params,
                         Activation activation, Pool2dParams pool) {
        this.imageShape = imageShape;
        this.weight = weight;
        this.weightShape = weightShape;
        this.bias = bias;
        this.params = params;
        this.activation = activation;
        this.pool = pool;
        if (weight != null) {
            outputShape();
        }
    }

    /**
     * Starts a pipeline over images of one shape; {@link #conv2d} comes next.
     *
     * @param channels the images' channels C, {@code >= 1}
     * @param height   their height H, {@code >= 1}
     * @param width    their width W, {@code >= 1}
     * @return a pipeline with no operation yet
     * @throws IllegalArgumentException when an extent is below 1, naming it
     */
    public static ConvPipeline forImages(int channels, int height, int width) {
        requirePositive("channels", channels);
        requirePositive("height", height);
        requirePositive("width", width);
        return new ConvPipeline(new int[] {channels, height, width}, null, null, null, null, null, null);
    }

    /**
     * The convolution, as {@code F.conv2d(x, weight, None, ...)}.
     *
     * @param weight (K, C/groups, KH, KW), copied
     * @param params stride, padding, dilation and groups
     * @return this pipeline with the convolution set
     * @throws IllegalArgumentException when the weight does not fit the images under {@code params}, naming the rule
     * @throws NullPointerException     when an argument is null
     */
    public ConvPipeline conv2d(Tensor weight, Conv2dParams params) {
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        return new ConvPipeline(imageShape, weight.data().clone(), weight.shape(), null, params, activation, pool);
    }

    /**
     * The bias added to each output channel.
     *
     * @param bias (K), copied
     * @return this pipeline with the bias set
     * @throws IllegalArgumentException when it is not of shape (K), or {@link #conv2d} was not given first
     * @throws NullPointerException     when {@code bias} is null
     */
    public ConvPipeline withBias(Tensor bias) {
        requireNonNull("bias", bias);
        requireConv("withBias");
        return new ConvPipeline(imageShape, weight, weightShape, bias.data().clone(), params, activation, pool);
    }

    /**
     * The activation fused into the convolution's output, such as {@link Activation#relu()}.
     *
     * @param activation the activation; null for none
     * @return this pipeline with the activation set
     */
    public ConvPipeline withActivation(Activation activation) {
        return new ConvPipeline(imageShape, weight, weightShape, bias, params, activation, pool);
    }

    /**
     * Max pooling after the convolution and its activation, as {@code F.max_pool2d}.
     *
     * @param pool the window, stride and padding
     * @return this pipeline with the pooling set
     * @throws IllegalArgumentException when the window does not fit the convolution's output, or {@link #conv2d} was
     *                                  not given first
     * @throws NullPointerException     when {@code pool} is null
     */
    public ConvPipeline withMaxPool(Pool2dParams pool) {
        requireNonNull("pool", pool);
        requireConv("withMaxPool");
        return new ConvPipeline(imageShape, weight, weightShape, bias, params, activation, pool);
    }

    /** {@return the shape (C, H, W) every row's image must have} */
    public int[] imageShape() {
        return imageShape.clone();
    }

    /**
     * The shape of each image's result.
     *
     * @return (K, OH, OW) after the convolution, or after the pooling when there is one
     * @throws IllegalArgumentException when {@link #conv2d} was not given
     */
    public int[] outputShape() {
        requireConv("outputShape");
        int[] batchOfOne = {1, imageShape[0], imageShape[1], imageShape[2]};
        var conv = params.shapeOf(batchOfOne, weightShape, bias == null ? null : new int[] {bias.length});
        if (pool == null) {
            return new int[] {conv.k(), conv.oh(), conv.ow()};
        }
        var pooled = pool.shapeOf(new int[] {1, conv.k(), conv.oh(), conv.ow()});
        return new int[] {pooled.c(), pooled.oh(), pooled.ow()};
    }

    /**
     * Runs the pipeline on a batch of images.
     *
     * @param backend where to run it
     * @param images  (N, C, H, W), each image of {@link #imageShape()}
     * @return (N, K, OH, OW), each image's result of {@link #outputShape()}
     */
    Tensor apply(Backend backend, Tensor images) {
        Tensor y = backend.conv2d(images, new Tensor(weight, weightShape),
                bias == null ? null : new Tensor(bias, bias.length), params, activation);
        return pool == null ? y : backend.maxPool2d(y, pool).output();
    }

    @Override
    public String toString() {
        return "ConvPipeline(images " + Arrays.toString(imageShape) + ", conv2d weight " + Arrays.toString(weightShape)
                + (bias == null ? "" : " with bias") + ", " + Activation.orIdentity(activation)
                + (pool == null ? "" : ", max pool " + pool) + ")";
    }

    private void requireConv(String step) {
        if (weight == null) {
            throw new IllegalArgumentException("pipeline: " + step + " needs conv2d(weight, params) first");
        }
    }

    private static void requirePositive(String name, int extent) {
        if (extent < 1) {
            throw new IllegalArgumentException(name + ": " + extent + ", must be >= 1");
        }
    }

    private static void requireNonNull(String name, Object value) {
        if (value == null) {
            throw new NullPointerException(name + ": null");
        }
    }
}
