package org.convcl.opencl.tuning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The planner's thresholds for one class of device: data, not literals in the planner, so that each default states
 * where it comes from and {@code convcl tune} can store other values beside the SGEMM configuration (see
 * {@link TuningCache}). A threshold of 0 turns its rule off.
 *
 * <p>Provenance of the {@link #defaultFor CPU defaults}: measured on 2 AMD EPYC cores (Zen 3, AVX2), POCL 3.1, side
 * by side in one process, medians of five rounds; they are where the CPU rules start, not a fit to that machine
 * (find mode and {@code convcl tune} are the means to do better on another). GPU classes keep the rules that need
 * no measurement (tiny layers direct, Winograd's tile by tile count, the batch folded into small images' GEMMs) until
 * measured on those devices.
 *
 * @param tinyLayerFlops     below this many FLOPs a layer runs direct: one launch costs less than a GEMM's launches.
 *                           2^20 on every class, reasoned from launch overheads of tens of microseconds. Find mode
 *                           times no other algorithm there: on the bench's seed layer (14 KFLOP) the direct kernel won
 *                           7 of 9 find passes on 2 Zen 3 cores and lost 2 by 3-7% (0.18 ms, about one launch and
 *                           wait), while the three other algorithms' programs cost each pass about 4 s to build.
 * @param fewFilters         layers with at most this many filters per group, each at most {@code shallowDepth} deep
 *                           (input channels per group times taps), run direct: the GEMM's rows are too few and too short
 *                           to pay for gathering panels. CPU: 32 and 24 (MNIST 5x5 C=1 K=32 N=64 direct 0.94-1.22 ms
 *                           against implicit GEMM 1.13-1.58; 5x5 C=1 K=64 2.22 against 1.71; 3x3 C=8 K=32, 72 deep,
 *                           1.17 against 0.86); from 25 deep the channel lanes beat both (see
 *                           {@code laneFilterVectors}). GPUs: 0.
 * @param shallowDepth       see {@code fewFilters}
 * @param winogradTiles      the fewest output tiles of F(2x2,3x3) for which the planner picks Winograd: the products
 *                           need many columns (tiles) to run at speed. 128 everywhere, reasoned; on CPUs, ResNet-50's
 *                           C=K=512 7x7 layer (N=8, 128 such tiles) ran Winograd faster than every other algorithm in
 *                           the find passes below.
 * @param winogradF4Tiles    output tiles of F(4x4,3x3) from which Winograd takes that tile rather than F(2x2,3x3), a
 *                           quarter as many multiplications for a quarter as many columns. GPUs: 256, reasoned. CPUs:
 *                           32, from find mode's timings of both tiles on the bench's four ResNet 3x3 layers (N=8) in
 *                           four runs on 2 Zen 4 cores (three AVX-512, one AVX2): F(4x4) was faster in all 16, on
 *                           C=K=512 7x7 (32 tiles) 6.4-9.5 ms against 8.4-10.3 (AVX2 7.3 against 9.0), on C=K=256
 *                           14x14 (128 tiles) 6.1-7.7 against 7.6-8.3. On 2 Zen 5 cores find chose F(4x4) on C=K=512
 *                           7x7 and C=K=128 28x28, F(2x2) on C=K=256 14x14.
 * @param winogradChannels   the fewest input and output channels for which the planner picks Winograd; 0 never
 *                           picks it (it still runs when pinned). CPU: 64 (implicit GEMM over Winograd, N=8: C=K=64
 *                           56x56 1.3-1.5, C=K=128 28x28 1.4-1.7, C=K=256 14x14 1.6; fewer tiles or channels gain
 *                           nothing). GPUs: 0, not measured there.
 * @param gatheredHeights    the most work-items along M of a group of the blocked kernel that gathers B or reads it in
 *                           place, as a multiple of the configured height: the group brings each slice of B into the
 *                           cache once for all its rows. CPU: 4 (implicit GEMM, 3x3 C=K=128 28x28, N=8: 17-19 ms with
 *                           4, 23-25 with 2, 28 with 1). GPUs: 1.
 * @param winogradCacheShare a Winograd chunk's transformed tiles take at most 1/this of the device's global memory
 *                           cache, so the products and the output transform read them from the cache. CPU: 8 (C=K=64
 *                           56x56 N=8: 10.1-10.8 ms in one-image chunks, 14.2-15.3 as a whole batch). GPUs: 0, whole
 *                           batches.
 * @param winogradChunkTiles the fewest tiles of a cache-sized Winograd chunk: chunks of 98 tiles made C=K=256 14x14 up
 *                           to 1.6 times slower. CPU: 512.
 * @param packRowGroups      the blocked SGEMM packs B into panels first where at least this many row-groups of
 *                           work-groups read it. CPU: 8 (SGEMM 2048 57 to 78-95 GFLOP/s packed; from 2 row-groups
 *                           Winograd C=K=128 28x28 got slower; with 4 to 7 row-groups, B in place, 1x1 layers ran 5-10%
 *                           faster in 3 of 5 with AVX-512 and tied in 2, 4-12% faster in 4 of 4 with AVX2, ResNet-50's
 *                           64 channels to 256 of 56x56 the most, on 2 Zen 4 cores alternating; Winograd tied, im2col
 *                           3x3 stride 2 and SGEMM 256 each gained 4-10% on one ISA and lost 6-10% on the other). GPUs:
 *                           4, where it applies only when the blocked kernel is configured (their tiled kernel stages B
 *                           itself).
 * @param foldPercent        the SGEMM folds the batch into N (one product over every image's pixels instead of one
 *                           per image) where that launch computes at most this percent of the multiply-adds the
 *                           per-image launch would, padding to whole tiles or panels included; 0 never folds, 100
 *                           folds wherever it computes no more. The tiled kernel folds on the pointwise and implicit
 *                           GEMM paths, each launch with the tile {@link GpuDefaults#sizedTo} picks for it; the
 *                           blocked kernel on the pointwise path, packing the folded columns into its panels. GPUs:
 *                           90, reasoned, not measured: a work-group takes about as long whatever share of its tile
 *                           is real, so small images (7x7 is 49 of a 64- or 128-wide tile) waste most of their launch
 *                           unfolded; folding costs a table look-up per gathered value and stored vector and may
 *                           narrow the vectors (VWN must divide an image's pixels), so savings under a tenth are left
 *                           alone. CPUs: 90, measured on ResNet-50's 1x1 layers of the bench (POCL, Zen 5, side by
 *                           side in alternating processes): on 14x14 images (C=256, K=1024) 2.90-2.92 against
 *                           3.14-3.18 ms unfolded; on 7x7 (C=2048, K=512) 4.06-4.16 against 4.01-4.28, no change.
 * @param narrowPercent      the blocked SGEMM gives each work-item fewer vectors of columns (WPTN) where the fewest
 *                           that pad the columns least compute at most this percent of the configured launch's
 *                           multiply-adds, padding to whole panels included; 0 never narrows. CPUs: 75, measured on
 *                           ResNet-50's 1x1 layer with 2048 channels on 7x7 images (49 pixels in 96 padded columns at
 *                           WPTN=3, 64 at WPTN=2: 0.6x the time at WPTN=2); a narrower block loads more per
 *                           multiply-add, so savings under a quarter are left alone. GPUs: 0, their tiled kernel is
 *                           sized by {@link GpuDefaults#sizedTo}.
 * @param tapTableChannels   the blocked implicit GEMM's work-groups first tabulate where each window tap's pixels lie,
 *                           the same for every channel, where at least this many channels share each tap; 0 never.
 *                           CPUs: 64, measured side by side on 2 Zen 5 cores (AVX-512), the kernel alone, minimum of
 *                           20 launches, three alternating rounds: 5x5 C=192 K=32 28x28 N=8 (Inception) 9.6-10.1 ms
 *                           against 10.2-11.9, 3x3 C=K=64 56x56 6.1-7.7 against 6.8-7.6; the 7x7 stride-2 stem, three
 *                           channels, took 9.7-11.3 against 7.9-8.6, the table costing more than three channels save.
 *                           GPUs: 0, their tiled kernel gathers otherwise.
 * @param laneFilterVectors  layers with a window wider than 1x1 and at most this many vectors of filters per group (of
 *                           the lanes kernel's width on the device: 8 floats with AVX2, 16 with AVX-512), each at
 *                           least {@code laneTaps} deep (input channels per group times taps), run with the output
 *                           channels in the vector lanes (CHANNEL_LANES); 0 never. The kernel reads the input once per
 *                           block of filters, so the limit counts vectors rather than filters. CPUs: 32 and 25. Above
 *                           128 filters, find mode's timings on 2 Zen 4 cores in bench runs, the planner having taken
 *                           the implicit GEMM: with AVX-512 the lanes won every layer, 3x3 stride 2 C=K=256 28x28
 *                           (4 runs, 1.48-1.50x faster than the implicit GEMM) and C=K=512 14x14 (4 runs, 1.56-1.75x),
 *                           one image of 3x3 C=K=512 7x7 (2.51x) and C=K=256 14x14 (1.69x), 5x5 C=64 K=192 27x27
 *                           (1.23x); held to AVX2 they won C=K=256 stride 2 in 4 of 5 runs (up to 1.08x, 0.93x in the
 *                           fifth) and the 5x5 layer (1.10x), and lost C=K=512 stride 2 in 4 of 5 (0.63-0.98x), past 32
 *                           vectors of 8. Up to 128 filters (16 vectors of 8 or 8 of 16), find mode's timings
 *                           of every algorithm on 2 Zen 5 cores (AVX-512), N=8 unless said: 5x5 C=192 K=32 28x28
 *                           6.7 ms against the implicit GEMM's 10.6; 41x11 stride 2 on one channel, K=32, N=4 3.2
 *                           against 4.8; the 7x7 stride-2 stem, K=64, 8.2 against 8.9; 3x3 C=K=64 56x56 6.3 against
 *                           6.8 and Winograd's 7.7. With 128 filters, since the kernel takes the vectors that fit
 *                           the filters: 5x5 C=832 K=128 7x7 8.2-10.8 against the implicit GEMM's 17.6-21.5 (10.6 MB
 *                           of filters); 3x3 stride 2 C=64 and 128 K=128 56x56 3.3 and 6.5 against 3.9 and 7.5; 3x3
 *                           C=K=128 28x28 ties with Winograd (5.2-6.1 against 5.2-5.7 in five runs). From 25 taps since each tile's sums leave the registers transposed: medians of
 *                           pinned paths interleaved through Java on the same machine (AVX-512; then its AVX2 build),
 *                           channel lanes against the best of the implicit GEMM and the direct kernel, ms: 5x5 C=1
 *                           K=32 28x28 N=64 (MNIST) 0.48-0.54 against 0.63-0.67 (0.78 against 0.88); 3x3 C=3 K=64
 *                           112x112 2.57-2.65 against 2.96 (4.88 against 5.92); 3x3 C=8 K=32 56x56 0.97-1.05 against
 *                           1.02-1.10 (1.33 against 1.64); 5x5 C=3 K=32 64x64 1.12-1.30 against 1.18-1.35 (1.55
 *                           against 1.86); 3x3 C=16 K=64 28x28 0.75-0.89 against 0.81-0.86 (1.18 against 1.20).
 *                           GPUs: 0, not measured there.
 * @param laneTaps           see {@code laneFilterVectors}
 * @param subsampleStride    1x1 layers at this stride or more (along either axis) run im2col's GEMM: their column
 *                           matrix is the input subsampled, a quarter of it at stride 2, which costs less to write than
 *                           the implicit GEMM's gather of every panel; 0 never. CPUs: 2, from find mode's timings of
 *                           ResNet-50's 1x1 stride-2 layer (C=512 K=1024 28x28 N=8) in sixteen bench runs on 2 Zen 5
 *                           cores, AVX-512 and its AVX2 build: im2col 0.72-0.82x the implicit GEMM's time in every one
 *                           (5.7-7.1 against 7.6-8.9 ms; 9.8-10.8 against 12.4-13.3 held to AVX2). GPUs: 0, not
 *                           measured there.
 * @param findFallbackFlops  find mode times the planner's fallbacks, the direct kernel and the implicit GEMM, on a layer
 *                           the planner gives another algorithm only where it has fewer FLOPs than this; 0 times them
 *                           everywhere. CPUs: 2^26. In three find passes over the bench suite on 2 Zen 4 cores
 *                           (AVX-512 twice, its AVX2 build once) they won only the seed layer (25 kFLOP) and the
 *                           depthwise layers, which the planner runs direct; on each of the 19 other layers, from 34
 *                           MFLOP up, they took from 1.05x (the implicit GEMM, 5x5 C=480 K=48 14x14, AVX2) and 1.23x
 *                           (the direct kernel, MNIST) up to 10x the winner's time, and building their programs took
 *                           about 20 s of each pass of 68-74 s; hence 2^24 at first. Once the channel lanes' programs
 *                           had changed, the direct kernel ran MNIST's 5x5 (59 MFLOP) in 0.49-0.53 ms against the
 *                           lanes' 0.52-1.34 in four find passes (AVX-512 three times, AVX2 once), so the bound now
 *                           takes in the layers up to 64 MFLOP, MNIST's and the 1x1 layer on rows of 256 (34 MFLOP):
 *                           MNIST's find went from 2.0 to 4.3-5.2 s, the suite's pass from 43.8-45.7 to 47.2-47.7 s
 *                           (AVX2: 28.5 to 31.0 s). The implicit GEMM is timed at any size on a strided window
 *                           over at least {@code tapTableChannels} channels, where it can win (see
 *                           {@code ConvAlgorithms.whyNotTimed}). GPUs: 0, the implicit GEMM is their main path.
 * @param fusedWinogradChannels the planner runs 3x3 layers of at most this many input channels and filters as the fused
 *                           Winograd (one kernel, each work-item's tiles kept in its local memory through every step),
 *                           from 16 channels on; 0 never. CPUs: 64. Through the Java API on 2 Zen 4 cores (N=8, p10,
 *                           side by side), AVX-512: C=K=32 112x112 7.3 ms against 11.4 unfused and 10.0 by the channel
 *                           lanes, C=K=64 56x56 4.9 against 5.7 unfused, C=K=16 56x56 0.53 against 0.58 (lanes), C=8
 *                           K=32 0.60 against 0.67 (lanes), C=3 K=64 224x224 26.2 against 13.7 (lanes); C=K=128 28x28
 *                           4.0 against 4.1 unfused, C=K=256 14x14 7.5 against 5.0 (the kernels alone), where each
 *                           work-item's transformed tiles outgrow the caches and the products take most of the time.
 *                           Built for AVX2, the kernels alone: C=K=64 56x56 4.9 against 5.2 unfused, C=K=128 28x28 4.6
 *                           against 4.0. GPUs: 0, a kernel of one work-item per group.
 * @param laneRegisters      the fewest vector registers with which the channel lanes, holding the sums of 14 pixels by
 *                           two vectors of filters, also take 1x1 layers (within {@code laneFilterVectors} and
 *                           {@code laneTaps}) from the pointwise GEMM and 5x5 layers from the fused Winograd; with fewer
 *                           (6 pixels) the planner gives those to the GEMM and to the fused Winograd where it fills its
 *                           runs of tiles and has 8 channels or more; 0: the lanes take neither, the fused Winograd no
 *                           5x5 layer. CPUs: 32 (AVX-512). In bench runs' find passes on 2 Zen 4 cores (N=8 unless
 *                           said), with AVX-512 the pointwise GEMM took 1.03-1.42x the lanes' time on 17 of 23 1x1
 *                           layers (ResNet-50's C=256 K=64 56x56 1.20-1.24x in 7 runs, C=1024 K=256 14x14 1.10-1.31x in
 *                           5, C=832 K=384 7x7 1.42x, SGEMM 256 1.16-1.54x in 4), tied on 5 and won C=K=128 56x56
 *                           (0.88x); held to AVX2, 16 registers, it won 16 of 17 and the lanes took 1.14-3.3x its time.
 *                           On 5x5 layers held to AVX2 the lanes took 1.06-1.57x the fused Winograd's time on all five
 *                           (12 runs: Inception's C=192 K=32 28x28, C=480 K=48 and C=512 K=64 14x14, C=256 K=32 28x28,
 *                           C=64 K=192 27x27), with AVX-512 0.76-1.15x. GPUs: 0.
 */
public record ConvPolicy(long tinyLayerFlops, int fewFilters, int shallowDepth, long winogradTiles,
                         long winogradF4Tiles, int winogradChannels, int gatheredHeights, int winogradCacheShare,
                         int winogradChunkTiles, int packRowGroups, int foldPercent, int narrowPercent,
                         int tapTableChannels, int laneFilterVectors, int laneTaps, int subsampleStride,
                         long findFallbackFlops, int fusedWinogradChannels, int laneRegisters) {
    private static final ConvPolicy CPU = new ConvPolicy(1 << 20, 32, 24, 128, 32, 64, 4, 8, 512, 8, 90, 75, 64, 32,
            25, 2, 1 << 26, 64, 32);
    private static final ConvPolicy GPU = new ConvPolicy(1 << 20, 0, 0, 128, 256, 0, 4, 0, 0, 4, 90, 0, 0, 0, 0, 0, 0,
            0, 0);
    private static final Pattern ENTRY = Pattern.compile("(\\w+)=(\\d{1,18})");

    /** Checks every value. */
    public ConvPolicy {
        if (tinyLayerFlops < 0 || fewFilters < 0 || shallowDepth < 0 || winogradTiles < 1 || winogradF4Tiles < 1
                || winogradChannels < 0
                || gatheredHeights < 1 || gatheredHeights > 64 || winogradCacheShare < 0 || winogradChunkTiles < 0
                || packRowGroups < 0 || foldPercent < 0 || foldPercent > 100 || narrowPercent < 0
                || narrowPercent > 100 || tapTableChannels < 0 || laneFilterVectors < 0 || laneTaps < 0
                || subsampleStride < 0 || findFallbackFlops < 0 || fusedWinogradChannels < 0
                || laneRegisters < 0) {
            throw new IllegalArgumentException("conv policy: values out of range in " + encode(tinyLayerFlops,
                    fewFilters, shallowDepth, winogradTiles, winogradF4Tiles, winogradChannels, gatheredHeights,
                    winogradCacheShare, winogradChunkTiles, packRowGroups, foldPercent, narrowPercent, tapTableChannels,
                    laneFilterVectors, laneTaps, subsampleStride, findFallbackFlops, fusedWinogradChannels,
                    laneRegisters));
        }
    }

    /** The defaults of a class of device; see the class comment for where they come from. */
    public static ConvPolicy defaultFor(DeviceClass deviceClass) {
        return deviceClass == DeviceClass.CPU ? CPU : GPU;
    }

    /** One line of {@code NAME=value} pairs, which {@link #parse} reads back. */
    public String encode() {
        return encode(tinyLayerFlops, fewFilters, shallowDepth, winogradTiles, winogradF4Tiles, winogradChannels,
                gatheredHeights, winogradCacheShare, winogradChunkTiles, packRowGroups, foldPercent, narrowPercent,
                tapTableChannels, laneFilterVectors, laneTaps, subsampleStride, findFallbackFlops,
                fusedWinogradChannels, laneRegisters);
    }

    /**
     * Reads what {@link #encode()} wrote over {@code defaults}: names it lacks keep their default.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code NAME=value} with a known name, or a value
     *                                  out of range
     */
    public static ConvPolicy parse(String text, ConvPolicy defaults) {
        Map<String, Long> values = new LinkedHashMap<>(asMap(defaults));
        for (String token : text.strip().split("\\s+")) {
            var m = ENTRY.matcher(token);
            if (!m.matches() || !values.containsKey(m.group(1))) {
                throw new IllegalArgumentException("conv policy: '" + token + "' is not NAME=value with NAME one of "
                        + values.keySet());
            }
            values.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return new ConvPolicy(values.get("TINY_LAYER_FLOPS"), narrow(values, "FEW_FILTERS"),
                narrow(values, "SHALLOW_DEPTH"), values.get("WINOGRAD_TILES"), values.get("WINOGRAD_F4_TILES"),
                narrow(values, "WINOGRAD_CHANNELS"),
                narrow(values, "GATHERED_HEIGHTS"), narrow(values, "WINOGRAD_CACHE_SHARE"),
                narrow(values, "WINOGRAD_CHUNK_TILES"), narrow(values, "PACK_ROW_GROUPS"),
                narrow(values, "FOLD_PERCENT"), narrow(values, "NARROW_PERCENT"), narrow(values, "TAP_TABLE_CHANNELS"),
                narrow(values, "LANE_FILTER_VECTORS"), narrow(values, "LANE_TAPS"), narrow(values, "SUBSAMPLE_STRIDE"),
                values.get("FIND_FALLBACK_FLOPS"), narrow(values, "FUSED_WINOGRAD_CHANNELS"),
                narrow(values, "LANE_REGISTERS"));
    }

    private static int narrow(Map<String, Long> values, String name) {
        long v = values.get(name);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv policy: " + name + "=" + v + " is above " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    private static Map<String, Long> asMap(ConvPolicy p) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String token : p.encode().split(" ")) {
            var parts = token.split("=");
            m.put(parts[0], Long.parseLong(parts[1]));
        }
        return m;
    }

    private static String encode(long tinyLayerFlops, int fewFilters, int shallowDepth, long winogradTiles,
                                 long winogradF4Tiles, int winogradChannels, int gatheredHeights, int winogradCacheShare,
                                 int winogradChunkTiles, int packRowGroups, int foldPercent, int narrowPercent,
                                 int tapTableChannels, int laneFilterVectors, int laneTaps, int subsampleStride,
                                 long findFallbackFlops, int fusedWinogradChannels, int laneRegisters) {
        return "TINY_LAYER_FLOPS=" + tinyLayerFlops + " FEW_FILTERS=" + fewFilters + " SHALLOW_DEPTH=" + shallowDepth
                + " WINOGRAD_TILES=" + winogradTiles + " WINOGRAD_F4_TILES=" + winogradF4Tiles
                + " WINOGRAD_CHANNELS=" + winogradChannels + " GATHERED_HEIGHTS="
                + gatheredHeights + " WINOGRAD_CACHE_SHARE=" + winogradCacheShare + " WINOGRAD_CHUNK_TILES="
                + winogradChunkTiles + " PACK_ROW_GROUPS=" + packRowGroups + " FOLD_PERCENT=" + foldPercent
                + " NARROW_PERCENT=" + narrowPercent + " TAP_TABLE_CHANNELS=" + tapTableChannels + " LANE_FILTER_VECTORS="
                + laneFilterVectors + " LANE_TAPS=" + laneTaps + " SUBSAMPLE_STRIDE=" + subsampleStride
                + " FIND_FALLBACK_FLOPS=" + findFallbackFlops + " FUSED_WINOGRAD_CHANNELS=" + fusedWinogradChannels
                + " LANE_REGISTERS=" + laneRegisters;
    }
}
