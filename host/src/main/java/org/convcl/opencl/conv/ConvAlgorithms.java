package org.convcl.opencl.conv;

import java.util.List;

/** The registry: every conv2d algorithm, in the order the planner prefers them where several apply. */
public final class ConvAlgorithms {
    public static final ConvAlgorithm DIRECT = new DirectAlgorithm();
    public static final ConvAlgorithm POINTWISE = new PointwiseAlgorithm();
    public static final ConvAlgorithm WINOGRAD = new WinogradAlgorithm();
    public static final ConvAlgorithm IMPLICIT_GEMM = new ImplicitGemmAlgorithm();
    /** The one algorithm with a backward pass, typed as such for the operations that run it. */
    static final Im2colGemmAlgorithm IM2COL = new Im2colGemmAlgorithm();
    public static final ConvAlgorithm IM2COL_GEMM = IM2COL;
    private static final List<ConvAlgorithm> ALL = List.of(DIRECT, POINTWISE, WINOGRAD, IMPLICIT_GEMM, IM2COL_GEMM);

    private ConvAlgorithms() {
    }

    /** Every algorithm, in the planner's order of preference. */
    public static List<ConvAlgorithm> all() {
        return ALL;
    }

    /**
     * The algorithm of an id.
     *
     * @throws IllegalArgumentException naming the ids there are
     */
    public static ConvAlgorithm byId(String id) {
        return ALL.stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "algorithm: no conv2d algorithm '" + id + "'; there are " + ALL.stream().map(ConvAlgorithm::id).toList()));
    }
}
