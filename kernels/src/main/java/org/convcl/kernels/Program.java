package org.convcl.kernels;

import java.util.List;

/**
 * The OpenCL programs of this module, each the concatenation of its classpath parts in order: the shared parts it
 * needs, then its own part, which holds its kernels.
 */
public enum Program {
    IM2COL("vectors", "pixel_runs", "im2col"),
    DIRECT_CONV2D("vectors", "pixel_runs", "direct_conv2d"),
    COL2IM("local_size", "adjoint_window", "col2im"),
    POOL("local_size", "adjoint_window", "pool"),
    TENSOR("local_size", "tensor"),
    SGEMM("vectors", "conv_gather", "sgemm"),
    SGEMM_BLOCKED("vectors", "conv_gather", "sgemm_blocked"),
    WINOGRAD("local_size", "winograd");

    private final List<String> parts;

    Program(String... parts) {
        this.parts = List.of(parts);
    }

    /** Part names without the {@code .cl} suffix, in build order; the last is the program's own part. */
    public List<String> parts() {
        return parts;
    }

    /** The program's own part, which names it, for example {@code "sgemm_blocked"}. */
    public String ownPart() {
        return parts.get(parts.size() - 1);
    }

    /** The part files joined, for messages: {@code "vectors.cl + sgemm_blocked.cl"}. */
    public String files() {
        return String.join(".cl + ", parts) + ".cl";
    }

    /**
     * The source text: each part after a {@code #line} marker, so the compiler's messages name the part and the
     * line within it.
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
