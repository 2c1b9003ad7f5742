package org.convcl.kernels;

import java.util.List;

/**
 * The OpenCL programs of this module, each the concatenation of its classpath parts in order: the shared parts it
 * needs, then its own part, which holds its kernels.
 * <p>Immutable, so thread-safe.
 */
public enum Program {
    /** The column matrix of a convolution, eight output pixels per work-item. */
    IM2COL("vectors", "pixel_runs", "im2col"),
    /** Convolution without a column matrix, for tiny layers, and depthwise ones on GPUs. */
    DIRECT_CONV2D("vectors", "pixel_runs", "epilogue", "window", "direct_conv2d"),
    /** Depthwise convolution on CPUs, a work-item whole rows of one output plane. */
    DEPTHWISE_ROWS("vectors", "pixel_runs", "epilogue", "window", "depthwise_rows"),
    /** Convolution without a column matrix, output channels in the vector lanes, for few filters over many taps. */
    CHANNEL_LANES("vectors", "epilogue", "channel_lanes"),
    /** The gathering adjoint of im2col, for the input gradient. */
    COL2IM("local_size", "adjoint_window", "col2im"),
    /** Max and average pooling and their gathering gradients. */
    POOL("vectors", "pixel_runs", "local_size", "adjoint_window", "pool"),
    /** Element-wise helpers on device tensors: fills, sums, copies and activations. */
    TENSOR("local_size", "epilogue", "tensor"),
    /** The tiled SGEMM for GPUs, with the implicit-GEMM gather under {@code -DIMPLICIT}. */
    SGEMM("vectors", "conv_gather", "epilogue", "sgemm_arguments", "sgemm"),
    /** The register-blocked SGEMM for CPUs, with the implicit-GEMM gather under {@code -DIMPLICIT}. */
    SGEMM_BLOCKED("vectors", "conv_gather", "epilogue", "sgemm_arguments", "sgemm_blocked"),
    /** The Winograd F(2x2,3x3) and F(4x4,3x3) transforms. */
    WINOGRAD("vectors", "pixel_runs", "local_size", "epilogue", "winograd");

    private final List<String> parts;

    Program(String... parts) {
        this.parts = List.of(parts);
    }

    /**
     * The parts of the program.
     *
     * @return part names without the {@code .cl} suffix, in build order; the last is the program's own part
     */
    public List<String> parts() {
        return parts;
    }

    /**
     * The program's own part, which names it.
     *
     * @return for example {@code "sgemm_blocked"}
     */
    public String ownPart() {
        return parts.get(parts.size() - 1);
    }

    /**
     * The part files joined, for messages.
     *
     * @return for example {@code "vectors.cl + epilogue.cl + sgemm_blocked.cl"}
     */
    public String files() {
        return String.join(".cl + ", parts) + ".cl";
    }

    /**
     * The source text: each part after a {@code #line} marker, so the compiler's messages name the part and the
     * line within it.
     *
     * @return OpenCL C source, its tunables at their defaults unless the build defines them
     * @throws IllegalArgumentException when a part is missing from the class path
     */
    public String source() {
        var text = new StringBuilder();
        for (String part : parts) {
            text.append("#line 1 \"").append(part).append(".cl\"\n").append(KernelSources.load(part));
            if (text.charAt(text.length() - 1) != '\n') {
                text.append('\n');
            }
        }
        return text.toString();
    }
}
