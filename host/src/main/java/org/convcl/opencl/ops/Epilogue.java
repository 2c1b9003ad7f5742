package org.convcl.opencl.ops;

import org.convcl.Activation;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * What a conv2d kernel does to its sums before storing them ({@code epilogue.cl}): add a residual laid out like the
 * output, then apply an activation. Whether there is an activation other than the identity is a build define (at
 * most two programs per kernel); whether there is a residual, which activation, and its bounds or slope, are kernel
 * arguments, so every epilogue reuses one of the two built programs.
 *
 * @param residual laid out like the output the kernel writes (same offsets), or null
 */
public record Epilogue(Activation activation, DeviceBuffer residual) {
    /** The bias alone: no residual, no activation. */
    public static final Epilogue NONE = new Epilogue(Activation.identity(), null);

    public Epilogue {
        if (activation == null) {
            throw new IllegalArgumentException("activation: must not be null");
        }
    }

    /** The build defines, empty for the identity, whose kernels store their sums untouched. */
    String defines() {
        return activationDefine(activation);
    }

    /**
     * The define of any activation but the identity, whose kernels then store their sums untouched; which one, and
     * its bounds, are arguments ({@link #parameters}).
     */
    public static String activationDefine(Activation activation) {
        return activation.kind() == Activation.Kind.IDENTITY ? "" : " -DACTIVATED";
    }

    /**
     * Sets {@code EPILOGUE_ARGS}: the residual ({@code standIn}, never read, where there is none), whether it is added,
     * and the activation's parameters.
     */
    Launch arguments(Launch launch, DeviceBuffer standIn) {
        return parameters(launch.buffer(residual == null ? standIn : residual).i32(residual == null ? 0 : 1),
                activation);
    }

    /**
     * The activation's three kernel arguments, as {@code epilogue.cl} reads them: its kind (0 identity, 1 ReLU,
     * 2 clamp, 3 leaky ReLU), then clamp's bounds, or leaky ReLU's slope and an unused 0.
     */
    public static Launch parameters(Launch launch, Activation activation) {
        return switch (activation.kind()) {
            case IDENTITY -> launch.i32(0).f32(0).f32(0);
            case RELU -> launch.i32(1).f32(0).f32(0);
            case CLAMP -> launch.i32(2).f32(activation.min()).f32(activation.max());
            case LEAKY_RELU -> launch.i32(3).f32(activation.slope()).f32(0);
        };
    }
}
