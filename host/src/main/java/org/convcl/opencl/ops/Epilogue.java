package org.convcl.opencl.ops;

import org.convcl.Activation;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * What a conv2d kernel does to its sums before storing them ({@code epilogue.cl}): add a residual laid out like the
 * output, then apply an activation. The activation's kind and the residual's presence are build defines (at most
 * eight programs per kernel); its bounds or slope are kernel arguments, so new values reuse the built program.
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

    /** The build defines, empty for {@link #NONE}, so kernels without an epilogue build as before. */
    String defines() {
        return activationDefine(activation) + (residual == null ? "" : " -DRESIDUAL");
    }

    /** The define that selects {@code activation} in {@code epilogue.cl}; empty for the identity. */
    public static String activationDefine(Activation activation) {
        return switch (activation.kind()) {
            case IDENTITY -> "";
            case RELU -> " -DACTIVATION=1";
            case CLAMP -> " -DACTIVATION=2";
            case LEAKY_RELU -> " -DACTIVATION=3";
        };
    }

    /** Sets {@code EPILOGUE_ARGS}: the residual ({@code standIn} where there is none) and the parameters. */
    Launch arguments(Launch launch, DeviceBuffer standIn) {
        return parameters(launch.buffer(residual == null ? standIn : residual), activation);
    }

    /** The activation's two kernel arguments: clamp's bounds, or leaky ReLU's slope and an unused 0. */
    public static Launch parameters(Launch launch, Activation activation) {
        return switch (activation.kind()) {
            case CLAMP -> launch.f32(activation.min()).f32(activation.max());
            case LEAKY_RELU -> launch.f32(activation.slope()).f32(0);
            case IDENTITY, RELU -> launch.f32(0).f32(0);
        };
    }
}
