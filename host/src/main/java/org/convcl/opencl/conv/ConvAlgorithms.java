package org.convcl.opencl.conv;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.DirectConv2d;
import org.convcl.opencl.tuning.DeviceClass;

/**
 * The registry: every conv2d algorithm under its stable id (what plans print and options pin), in the order the
 * planner prefers them where several apply. A new algorithm is one class and one line here.
 */
public final class ConvAlgorithms {
    public static final ConvAlgorithm DIRECT = new DirectAlgorithm(false);
    /** The direct algorithm whose depthwise rows kernel loads each weight where it is used. */
    public static final ConvAlgorithm DIRECT_STREAMED = new DirectAlgorithm(true);
    public static final ConvAlgorithm CHANNEL_LANES = new ChannelLanesAlgorithm();
    public static final ConvAlgorithm POINTWISE = new PointwiseAlgorithm();
    /** Winograd with the tile the planner's rule gives each shape. */
    public static final ConvAlgorithm WINOGRAD = new WinogradAlgorithm(0);
    public static final ConvAlgorithm WINOGRAD_F2 = new WinogradAlgorithm(2);
    public static final ConvAlgorithm WINOGRAD_F4 = new WinogradAlgorithm(4);
    public static final ConvAlgorithm WINOGRAD_FUSED = new FusedWinogradAlgorithm();
    public static final ConvAlgorithm IMPLICIT_GEMM = new ImplicitGemmAlgorithm();
    /** The one algorithm with a backward pass, typed as such for the operations that run it. */
    static final Im2colGemmAlgorithm IM2COL = new Im2colGemmAlgorithm();
    public static final ConvAlgorithm IM2COL_GEMM = IM2COL;
    private static final Map<String, ConvAlgorithm> BY_ID = new LinkedHashMap<>();

    static {
        BY_ID.put("DIRECT", DIRECT);
        // Winograd before the channel lanes, where both are preferred (3x3 at stride 1, 64 to 128 channels and
        // filters): in four bench runs' find passes on 2 Zen 4 cores, F(4x4) ran ResNet's C=K=64 56x56 in 7.6-9.2 ms
        // against 8.9-10.0 (AVX2 9.5 against 13.4) and C=K=128 28x28 in 5.7-7.1 against 9.0-16.2 (AVX2 5.7 against
        // 11.4); on 2 Zen 5 cores the lanes led on C=K=64 (6.3 against 7.7) and tied on C=K=128.
        // The fused Winograd before the other where both are preferred (CPUs, up to 64 channels and filters).
        BY_ID.put("WINOGRAD_FUSED", WINOGRAD_FUSED);
        BY_ID.put("WINOGRAD", WINOGRAD);
        BY_ID.put("WINOGRAD_F2", WINOGRAD_F2);
        BY_ID.put("WINOGRAD_F4", WINOGRAD_F4);
        BY_ID.put("CHANNEL_LANES", CHANNEL_LANES);
        BY_ID.put("POINTWISE", POINTWISE);
        BY_ID.put("IM2COL_GEMM", IM2COL_GEMM);
        BY_ID.put("IMPLICIT_GEMM", IMPLICIT_GEMM);
        BY_ID.put("DIRECT_STREAMED", DIRECT_STREAMED);
    }

    private static final List<ConvAlgorithm> ALL = List.copyOf(BY_ID.values());
    /** The rule's Winograd runs one of the fixed tiles, which find mode times on their own. */
    private static final List<ConvAlgorithm> TIMED = ALL.stream().filter(a -> a != WINOGRAD).toList();

    /**
     * Where POINTWISE runs a problem, each image already is its GEMM's B, which POINTWISE reads in place (or packs);
     * the column GEMMs multiply the same matrices after copying B out (im2col) or gathering it tap by tap (implicit),
     * extra work on top of the same SGEMM. Find mode does not time them there: on the bench's eight 1x1 layers they
     * never won, and the implicit GEMM's programs cost the find pass seconds of building.
     */
    private static final Map<ConvAlgorithm, ConvAlgorithm> SUBSUMED_BY = Map.of(
            IM2COL_GEMM, POINTWISE,
            IMPLICIT_GEMM, POINTWISE);

    /**
     * Where the depthwise rows kernel runs a depthwise layer (a CPU, as many groups as channels), the algorithms that
     * multiply-add its one channel a group like a dense layer's: in about forty find passes of the bench's five
     * depthwise layers (3x3 at stride 1 and 2, 5x5 at stride 2, 7x7; one image and eight; AVX-512 and AVX2 on Zen 4)
     * they took 1.5-21x (channel lanes), 3.7-80x (im2col) and 5.7-37x (implicit GEMM) the time of the direct kernel's
     * best, which won every one, and their programs cost the find pass about a second a layer.
     */
    private static final Set<ConvAlgorithm> OUTRUN_ON_DEPTHWISE = Set.of(CHANNEL_LANES, IM2COL_GEMM, IMPLICIT_GEMM);

    /**
     * The planner's fallbacks: the direct kernel for tiny layers (and depthwise ones), the implicit GEMM for whatever
     * no other algorithm takes. Find mode times them on a layer the planner gives another algorithm only where the
     * policy's {@link org.convcl.opencl.tuning.ConvPolicy#findFallbackFlops} says.
     */
    private static final Set<ConvAlgorithm> FALLBACKS = Set.of(DIRECT, IMPLICIT_GEMM);

    private ConvAlgorithms() {
    }

    /** The first algorithm of the planner's order that is preferred for the shape: the planner's own choice. */
    static ConvAlgorithm preferredFor(Conv2dShape s, PlanContext context) {
        return ALL.stream().filter(a -> a.preferred(s, context)).findFirst().orElseThrow();
    }

    /**
     * Why find mode leaves {@code algorithm} out of the timing of {@code s}, or null to time it: the layer is under the
     * policy's {@link org.convcl.opencl.tuning.ConvPolicy#tinyLayerFlops} and the algorithm is not the planner's choice
     * (the direct kernel), another algorithm already timed runs its product with less work, it treats a depthwise layer
     * that the depthwise rows kernel runs as a dense one, it is the im2col GEMM on a window the channel lanes, already
     * timed, read in place ({@link #copiedWindow}), it is the channel lanes on a 1x1 window with too few vector
     * registers ({@link #fewRegistersForPointwise}) or on a 3x3 window F(4x4,3x3) already ran
     * ({@link #winogradOutruns}), it is the depthwise rows kernel's streamed weights at stride 1 with as few registers
     * ({@link #hoistedWeightsFit}), it is F(2x2,3x3) where the rule takes F(4x4,3x3) on a CPU
     * ({@link #smallTileOutrun}), it is Winograd over too few channels ({@link WinogradAlgorithm#fewChannels}) or the
     * fused Winograd where it does not pay ({@link FusedWinogradAlgorithm#whyNotTimed}), or it is a fallback the
     * planner does not choose for a layer too large for its policy's
     * {@link org.convcl.opencl.tuning.ConvPolicy#findFallbackFlops}, but for the implicit GEMM on a strided window
     * over many channels ({@link #stridedWindow}) and the direct kernel on one channel a group ({@link #oneChannelRows}).
     */
    static String whyNotTimed(ConvAlgorithm algorithm, Conv2dShape s, PlanContext context,
                              Collection<ConvAlgorithm> timed) {
        long tiny = context.policy().tinyLayerFlops();
        if (s.flops() < tiny && preferredFor(s, context) != algorithm) {
            return "a layer under " + tiny + " FLOPs, which any algorithm runs in about a launch's time";
        }
        var subsumer = SUBSUMED_BY.get(algorithm);
        if (subsumer != null && timed.contains(subsumer)) {
            return idOf(subsumer) + " runs its product";
        }
        if (OUTRUN_ON_DEPTHWISE.contains(algorithm) && timed.contains(DIRECT) && s.groups() > 1
                && DirectConv2d.runsDepthwiseRows(s, context.device())) {
            return "the depthwise rows kernel runs this depthwise layer";
        }
        if (algorithm == IM2COL_GEMM && timed.contains(CHANNEL_LANES) && copiedWindow(s, context)) {
            return "CHANNEL_LANES reads the input in place, where im2col copies each pixel " + s.kh() * s.kw()
                    + " times";
        }
        if (algorithm == CHANNEL_LANES && fewRegistersForPointwise(s, context)) {
            return context.device().vectorRegisters() + " vector registers hold too few of its sums for a 1x1 window";
        }
        if (algorithm == CHANNEL_LANES && winogradOutruns(s, context, timed)) {
            return "F(4x4,3x3), timed already, multiplies a quarter as often and the lanes' "
                    + context.device().vectorRegisters() + " vector registers hold too few sums to make up for it";
        }
        if (algorithm == DIRECT_STREAMED && hoistedWeightsFit(s, context)) {
            return "at stride 1 the weights hoisted run faster with " + context.device().vectorRegisters()
                    + " vector registers";
        }
        String fewChannels = WinogradAlgorithm.fewChannels(s);
        if ((algorithm == WINOGRAD_F2 || algorithm == WINOGRAD_F4) && fewChannels != null) {
            return fewChannels;
        }
        if (algorithm == WINOGRAD_F2 && smallTileOutrun(s, context)) {
            return "the rule's F(4x4,3x3) tiles, " + context.policy().winogradF4Tiles() + " or more, run faster";
        }
        if (algorithm == WINOGRAD_FUSED) {
            String why = FusedWinogradAlgorithm.whyNotTimed(s, context);
            if (why != null) {
                return why;
            }
        }
        long flops = context.policy().findFallbackFlops();
        if (FALLBACKS.contains(algorithm) && flops > 0 && s.flops() >= flops && preferredFor(s, context) != algorithm
                && !(algorithm == IMPLICIT_GEMM && stridedWindow(s, context))
                && !(algorithm == DIRECT && oneChannelRows(s, context))) {
            return "a fallback the planner does not choose here, at " + flops + " FLOPs or more";
        }
        return null;
    }

    /**
     * A window of several taps stepping one pixel, undilated, on a device class whose policy makes the channel lanes
     * the planner's algorithm for windows ({@link org.convcl.opencl.tuning.ConvPolicy#laneFilterVectors}): im2col
     * copies each input pixel once a tap, where the channel lanes read the input in place. In 107 find passes over such
     * layers (3x3, 5x5, grouped, one channel; the bench's suite, one image, ResNet-50 and two sets of real layers) on
     * 2 Zen 4 cores, AVX-512 and AVX2, the im2col GEMM won none, taking 1.2-8.9x the fastest's time, and its programs
     * cost the pass a second or more a layer.
     */
    private static boolean copiedWindow(Conv2dShape s, PlanContext context) {
        var p = s.params();
        return context.policy().laneFilterVectors() > 0 && s.kh() * s.kw() > 1 && p.strideH() == 1 && p.strideW() == 1
                && p.dilationH() == 1 && p.dilationW() == 1;
    }

    /**
     * A 1x1 window on a CPU whose vector registers are too few for the channel lanes to take 1x1 layers from the GEMM
     * ({@link ChannelLanesAlgorithm#holdsEnoughSums}): with sums for 6 pixels the lanes reuse each broadcast pixel
     * too little. Held to AVX2 on 2 Zen 4 cores they lost 16 of 17 such layers (1.14-3.3x the GEMM's time), and on 2
     * Zen 3 cores (AVX2) 8 of 9 in one find pass of the bench's suite (1.6-4.0x: ResNet-50's 1x1 layers, 1x1 at
     * stride 2 and SGEMM 512-2048), winning SGEMM 256 by 2%; on SGEMM 2048 their runs alone cost the pass 2 s.
     */
    private static boolean fewRegistersForPointwise(Conv2dShape s, PlanContext context) {
        return s.kh() * s.kw() == 1 && fewRegisters(context);
    }

    /**
     * A dense 3x3 window at stride 1 over at least the policy's
     * {@link org.convcl.opencl.tuning.ConvPolicy#winogradChannels} channels and filters, where F(4x4,3x3), fused or
     * not, ran in this find pass, on a CPU whose vector registers are too few for the channel lanes to take 1x1 and
     * 5x5 layers ({@link ChannelLanesAlgorithm#holdsEnoughSums}). The lanes lost every such find pass: 36 of 36 on 2
     * Zen 3 cores (AVX2; ResNet's 3x3 layers from 64 channels of 56x56 to 512 of 7x7, N=8, in five bench runs of the
     * suite and of ResNet-50: 1.34-1.95x the fastest's time on 64 channels, 1.43-2.86x from 128), and held to AVX2 on
     * 2 Zen 4 cores they took 13.4 ms against F(4x4)'s 9.5 on 64 channels and 11.4 against 5.7 on 128; their
     * programs cost the pass 1.5-2 s a layer. With 32 registers (AVX-512) they led on 64 channels on Zen 5 and
     * stay timed.
     */
    private static boolean winogradOutruns(Conv2dShape s, PlanContext context, Collection<ConvAlgorithm> timed) {
        var p = s.params();
        int channels = context.policy().winogradChannels();
        return (timed.contains(WINOGRAD_F4) || timed.contains(WINOGRAD_FUSED)) && s.groups() == 1
                && s.kh() == 3 && s.kw() == 3 && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1
                && p.dilationW() == 1 && channels > 0 && s.c() >= channels && s.k() >= channels
                && fewRegisters(context);
    }

    /**
     * A window at stride 1 on a CPU with too few vector registers for the channel lanes' 1x1 and 5x5 layers: there
     * the depthwise rows kernel's weights, hoisted, run faster than streamed. On 2 Zen 3 cores (AVX2) streamed
     * weights lost all 56 find passes at stride 1 (MNIST's 5x5 on one channel, depthwise 3x3 over 256 and 512
     * channels, 7x7 over 192, N=8 or 64, 14 passes each: 1.11-4.94x the hoisted kernel's time), and built for AVX2
     * on Zen 4 MNIST's took 1.3x; their programs cost the pass 2-3 s a layer. At stride 2 they won 5 of 14 passes on
     * 3x3 over 64 channels of 112x112 (0.59-1.20x) and stay timed, as they do with 32 registers, where hoisted
     * weights spilled.
     */
    private static boolean hoistedWeightsFit(Conv2dShape s, PlanContext context) {
        var p = s.params();
        return p.strideH() == 1 && p.strideW() == 1 && fewRegisters(context);
    }

    /**
     * A CPU whose vector registers the policy counts too few for the channel lanes to take 1x1 and 5x5 layers
     * ({@link ChannelLanesAlgorithm#holdsEnoughSums}): 16, AVX2's.
     */
    private static boolean fewRegisters(PlanContext context) {
        return context.policy().laneRegisters() > 0 && !ChannelLanesAlgorithm.holdsEnoughSums(context);
    }

    /**
     * A CPU whose policy's rule gives the shape F(4x4,3x3) ({@link org.convcl.opencl.tuning.ConvPolicy#winogradF4Tiles},
     * measured on CPUs; on GPUs find mode keeps timing both tiles): F(2x2) lost every find pass there, 16 of 16 on
     * 2 Zen 4 cores (AVX-512 and AVX2) and 12 of 12 on 2 Zen 3 cores (AVX2; ResNet's 3x3 layers from 64 channels of
     * 56x56 to 512 of 7x7, N=8, three bench runs: 1.14-3.4x the time of F(4x4)), and its programs cost the pass about
     * a second a layer.
     */
    private static boolean smallTileOutrun(Conv2dShape s, PlanContext context) {
        return DeviceClass.of(context.device()) == DeviceClass.CPU && WINOGRAD_F4.whyNot(s, context) == null
                && WinogradAlgorithm.ruleTile(s, context) == 4;
    }

    /**
     * A window wider than one pixel that steps more than one pixel along either axis, over channels enough for the
     * implicit GEMM to tabulate its taps ({@link org.convcl.opencl.tuning.ConvPolicy#tapTableChannels}): it then
     * gathers only the taps of the output's pixels, a quarter of the input's at stride 2, where the channel lanes read
     * every other input pixel, so that which is faster depends on the CPU. Held to AVX2 on 2 Zen 4 cores, 3x3 at
     * stride 2 over 128 channels of 56x56 (K=128, N=8, the Java API, alternating) took 12.3 ms on the implicit GEMM
     * against 14.5 on the channel lanes, with AVX-512 11.8 against 11.8; over fewer channels, untabulated, it lost:
     * the 7x7 stem (three channels) 1.17-1.24x the lanes' time, 41x11 at stride 2 on one channel 1.5x.
     */
    private static boolean stridedWindow(Conv2dShape s, PlanContext context) {
        var p = s.params();
        int tabulated = context.policy().tapTableChannels();
        return s.kh() * s.kw() > 1 && (p.strideH() > 1 || p.strideW() > 1) && tabulated > 0
                && s.cPerGroup() >= tabulated;
    }

    /**
     * Groups of one input channel under a window the depthwise rows kernel builds in
     * ({@link DirectConv2d#streamsWeights}), on a CPU: the direct algorithm runs them on that kernel, not on the
     * fallback the policy's bound is for. In find passes on 2 Zen 3 cores (AVX2), dense layers over one channel above
     * that bound, against the channel lanes: 3x3 K=32 128x128 (N=16) 4.7-5.3 ms against 7.4-8.7, 5x5 K=64 96x96 (N=8)
     * 4.6-6.1 against 6.2-10.8, 7x7 at stride 2 K=32 112x112 1.7-2.1 against 1.7-1.8, 7x7 K=64 56x56 2.5-3.3 against
     * 3.0-3.2.
     */
    private static boolean oneChannelRows(Conv2dShape s, PlanContext context) {
        return DirectConv2d.streamsWeights(s, context.device());
    }

    /** Every algorithm, in the planner's order of preference. */
    public static List<ConvAlgorithm> all() {
        return ALL;
    }

    /**
     * The algorithms find mode times, in the planner's order: every one but those that only pick among others (the
     * Winograd of the planner's tile rule, whose two tiles are timed each).
     */
    public static List<ConvAlgorithm> timed() {
        return TIMED;
    }

    /** The id an algorithm is registered under. */
    public static String idOf(ConvAlgorithm algorithm) {
        return BY_ID.entrySet().stream().filter(e -> e.getValue() == algorithm).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("algorithm: " + algorithm + " is not registered"));
    }

    /**
     * The algorithm of an id.
     *
     * @throws IllegalArgumentException naming the ids there are
     */
    public static ConvAlgorithm byId(String id) {
        var algorithm = registered(id);
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm: no conv2d algorithm '" + id + "'; there are " + BY_ID.keySet());
        }
        return algorithm;
    }

    /** The algorithm of an id, or null for an id nothing is registered under (a stale or damaged find entry). */
    static ConvAlgorithm registered(String id) {
        return BY_ID.get(id);
    }
}
