package org.convcl;

import java.io.Serializable;
import java.util.Objects;

/**
 * An element-wise activation, applied on its own ({@link Backend#activation}) or fused into conv2d's epilogue
 * ({@link Backend#conv2d(Tensor, Tensor, Tensor, Conv2dParams, Tensor, Activation)}), with PyTorch's semantics:
 * <ul>
 * <li>{@link #identity()}: {@code y = z};</li>
 * <li>{@link #relu()}: {@code y = z < 0 ? 0 : z}, as {@code torch.relu} (NaN stays NaN, -0 stays -0);</li>
 * <li>{@link #clamp(float, float)}: {@code y = z < min ? min : z > max ? max : z}, as {@code torch.clamp} and
 * {@code F.hardtanh} (NaN stays NaN); {@link #relu6()} is {@code clamp(0, 6)};</li>
 * <li>{@link #leakyRelu(float)}: {@code y = z > 0 ? z : z * slope}, as {@code F.leaky_relu}.</li>
 * </ul>
 * <p>Gradients are computed from the activated output {@code y}, so a backward pass needs only what the forward pass
 * returned ({@link #gradient}), as PyTorch 1.13:
 * <ul>
 * <li>ReLU passes {@code dy} where {@code !(y <= 0)}: not at 0, but at NaN ({@code threshold_backward});</li>
 * <li>clamp passes it where {@code min < y < max}, strictly inside the bounds and not at NaN, as {@code F.hardtanh}
 * and {@code F.relu6} on every tensor of 16 or more elements (their scalar tail passes it at NaN; torch.clamp's own
 * autograd passes it at the bounds too, which the output cannot tell apart from values beyond them);</li>
 * <li>leaky ReLU gives {@code y > 0 ? dy : dy * slope}, so {@code dy * slope} at 0 and NaN.</li>
 * </ul>
 * A blocked gradient is 0 even for an infinite or NaN {@code dy}.
 * <p>Immutable, so thread-safe. Serializable, for jobs that ship it to other processes (such as Spark's executors);
 * an activation read back is made again by its factory, which checks it.
 */
public final class Activation implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The function an activation applies; its parameters are {@link #min()}, {@link #max()}, {@link #slope()}. */
    public enum Kind {
        /** {@code y = z}. */
        IDENTITY,
        /** {@code y = z < 0 ? 0 : z}. */
        RELU,
        /** {@code y = z < min ? min : z > max ? max : z}. */
        CLAMP,
        /** {@code y = z > 0 ? z : z * slope}. */
        LEAKY_RELU
    }

    private static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0, 0, 0);
    private static final Activation RELU = new Activation(Kind.RELU, 0, 0, 0);

    /** The function. */
    private final Kind kind;
    /** Clamp's lower bound; 0 for the others. */
    private final float min;
    /** Clamp's upper bound; 0 for the others. */
    private final float max;
    /** Leaky ReLU's factor of negative inputs; 0 for the others. */
    private final float slope;

    private Activation(Kind kind, float min, float max, float slope) {
        this.kind = kind;
        this.min = min;
        this.max = max;
        this.slope = slope;
    }

    /** {@return no activation: {@code y = z}} */
    public static Activation identity() {
        return IDENTITY;
    }

    /**
     * The activation an epilogue applies where it may be left out.
     *
     * @param activation an activation, or null for none
     * @return {@code activation}, or {@link #identity()} where it is null
     */
    public static Activation orIdentity(Activation activation) {
        return activation == null ? IDENTITY : activation;
    }

    /** {@return ReLU, {@code max(z, 0)} keeping NaN, as {@code torch.relu}} */
    public static Activation relu() {
        return RELU;
    }

    /**
     * {@code z} limited to {@code [min, max]}, NaN kept, as {@code torch.clamp(z, min, max)}; the gradient as
     * {@code F.hardtanh(z, min, max)}'s.
     *
     * @param min the lower bound, not NaN (may be infinite)
     * @param max the upper bound, not NaN, {@code > min}
     * @return the clamp
     * @throws IllegalArgumentException when a bound is NaN or {@code min >= max}
     */
    public static Activation clamp(float min, float max) {
        if (Float.isNaN(min) || Float.isNaN(max) || min >= max) {
            throw new IllegalArgumentException("clamp: min " + min + " and max " + max
                    + " must be numbers with min < max");
        }
        return new Activation(Kind.CLAMP, min, max, 0);
    }

    /** {@return {@code clamp(0, 6)}, as {@code F.relu6}} */
    public static Activation relu6() {
        return clamp(0, 6);
    }

    /**
     * {@code z > 0 ? z : z * slope}, as {@code F.leaky_relu(z, slope)}.
     *
     * @param slope the factor of negative inputs, finite and {@code >= 0} (PyTorch's default is 0.01): the gradient
     *              is computed from the output, which tells negative inputs from positive ones only for such slopes,
     *              the same rule as PyTorch's in-place {@code leaky_relu_}
     * @return the leaky ReLU
     * @throws IllegalArgumentException for a negative, infinite or NaN slope
     */
    public static Activation leakyRelu(float slope) {
        if (!(slope >= 0) || Float.isInfinite(slope)) {
            throw new IllegalArgumentException("slope: " + slope + ", must be finite and >= 0 (the gradient is"
                    + " computed from the output)");
        }
        return new Activation(Kind.LEAKY_RELU, 0, 0, slope);
    }

    /** {@return which function this is} */
    public Kind kind() {
        return kind;
    }

    /** {@return the lower bound of a clamp; 0 for the other kinds} */
    public float min() {
        return min;
    }

    /** {@return the upper bound of a clamp; 0 for the other kinds} */
    public float max() {
        return max;
    }

    /** {@return the negative slope of a leaky ReLU; 0 for the other kinds} */
    public float slope() {
        return slope;
    }

    /** {@return true for {@link #identity()}} */
    public boolean isIdentity() {
        return kind == Kind.IDENTITY;
    }

    /**
     * The activation of one value, in float32 as PyTorch.
     *
     * @param z the input, any float including infinities and NaN
     * @return {@code y}, the activated value
     */
    public float apply(float z) {
        return switch (kind) {
            case IDENTITY -> z;
            case RELU -> z < 0 ? 0 : z;
            case CLAMP -> z < min ? min : z > max ? max : z;
            case LEAKY_RELU -> z > 0 ? z : z * slope;
        };
    }

    /**
     * The gradient with respect to the activation's input, from the gradient {@code dy} of its output and that
     * output {@code y} (see the class comment for the conventions at the boundaries).
     *
     * @param dy the gradient of the loss with respect to the output
     * @param y  the output, {@code apply(z)}
     * @return the gradient with respect to the input {@code z}; 0 where the activation blocks it
     */
    public float gradient(float dy, float y) {
        return switch (kind) {
            case IDENTITY -> dy;
            case RELU -> y <= 0 ? 0 : dy;
            case CLAMP -> y > min && y < max ? dy : 0;
            case LEAKY_RELU -> y > 0 ? dy : dy * slope;
        };
    }

    /**
     * Deserialization bypasses the factories; this sends what was read back through them, checks included.
     *
     * @return the activation the factory makes
     */
    private Object readResolve() {
        return switch (kind) {
            case IDENTITY -> identity();
            case RELU -> relu();
            case CLAMP -> clamp(min, max);
            case LEAKY_RELU -> leakyRelu(slope);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Activation a && kind == a.kind && Float.compare(min, a.min) == 0
                && Float.compare(max, a.max) == 0 && Float.compare(slope, a.slope) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, min, max, slope);
    }

    /** For example {@code relu}, {@code clamp(0.0, 6.0)} or {@code leakyRelu(0.01)}. */
    @Override
    public String toString() {
        return switch (kind) {
            case IDENTITY -> "identity";
            case RELU -> "relu";
            case CLAMP -> "clamp(" + min + ", " + max + ")";
            case LEAKY_RELU -> "leakyRelu(" + slope + ")";
        };
    }
}
