package org.convcl.opencl.ops;

import java.util.List;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.Conv2dPath;
import org.convcl.opencl.runtime.DeviceInfo;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * The one place that decides how conv2d runs on a device: the path, the SGEMM configuration and the chunking of the
 * column matrix, for the forward and the backward pass. It needs only the device's description, so a plan can be
 * checked without an OpenCL context or a kernel launch.
 */
public final class Conv2dPlanner {
    /** Below this many FLOPs one direct launch costs less than im2col and GEMM launches. */
    static final double TINY_LAYER_FLOPS = 1 << 20;
    /**
     * On CPUs, layers with at most this many filters per group, each at most {@link #SHALLOW_DEPTH} deep (input
     * channels per group times window taps), run direct: the implicit GEMM's rows are then too few and too short to
     * pay for gathering its panels. Measured on 2 AMD EPYC cores (AVX2), POCL, median of five side by side, direct
     * against implicit GEMM: MNIST's 5x5 C=1 K=32 N=64 0.94-1.22 against 1.13-1.58 ms; 3x3 C=1 K=16 0.56 against 0.93;
     * 5x5 C=2 K=32 1.21 against 1.38; 3x3 C=3 K=32 the same; but 5x5 C=1 K=64 2.22 against 1.71 and 3x3 C=8 K=32
     * (72 deep) 1.17 against 0.86.
     */
    static final int FEW_FILTERS = 32;
    /** See {@link #FEW_FILTERS}. */
    static final int SHALLOW_DEPTH = 50;
    /** Output tiles from which F(4x4,3x3) is chosen; Winograd needs half as many F(2x2,3x3) tiles at least. */
    static final long WINOGRAD_TILES = 256;
    /**
     * The most work-items along M a group of the implicit GEMM may have, as a multiple of the configured height.
     * Measured on 2 AMD EPYC cores (AVX2), POCL, N=8, side by side: 3x3 C=K=128 28x28 took 17-19 ms with 4 (22
     * work-items), 23-25 ms with 2 and 28 ms with 1. Where B is copied or packed (pointwise layers, Winograd's
     * products) groups keep the configured height: twice and once measured the same (medians of five rounds within 4%
     * on 1x1 C=256 K=64 56x56, Winograd's 3x3 layers and SGEMM 1024), and every other height is one more kernel to
     * build, for each configuration the tuner tries.
     */
    static final int GATHERED_HEIGHTS = 4;
    /**
     * On CPUs a Winograd chunk's transformed tiles (V and M) take at most this share of the device's global memory
     * cache, so that the products read V and the output transform reads M from the cache rather than from memory;
     * but a chunk keeps {@link #WINOGRAD_TILES} tiles at least, as the products need columns to run at speed.
     * Measured on 2 AMD EPYC cores (AVX2, 32 MiB cache), POCL, N=8, side by side: 3x3 C=K=64 56x56, 196 tiles an
     * image, took 10.1-10.8 ms in chunks of one image (3.6 MiB), 11.1-11.7 in chunks of two and 14.2-15.3 as a whole
     * batch; chunks of 98 tiles made C=K=256 14x14 up to 1.6 times slower than the whole batch.
     * GPUs, where Winograd runs only when pinned, keep whole batches until measured there.
     */
    static final int WINOGRAD_CACHE_SHARE = 8;
    /** The fewest tiles of a Winograd chunk on CPUs; see {@link #WINOGRAD_CACHE_SHARE}. */
    static final int WINOGRAD_CHUNK_TILES = 512;

    private final DeviceInfo device;
    private final SgemmConfig sgemm;
    private final long columnBudgetBytes;
    private final Conv2dPath pinned;

    /**
     * @param columnBudgetBytes the most bytes one column-matrix chunk may take; capped at the device's allocation limit
     * @param pinned            {@link Conv2dPath#AUTO}, or the path every convolution must take
     */
    public Conv2dPlanner(DeviceInfo device, SgemmConfig sgemm, long columnBudgetBytes, Conv2dPath pinned) {
        this.device = device;
        this.sgemm = sgemm;
        this.columnBudgetBytes = Math.min(columnBudgetBytes, device.maxAllocBytes());
        this.pinned = pinned;
    }

    public SgemmConfig sgemm() {
        return sgemm;
    }

    /**
     * The plan of the forward pass: the pinned path, else direct for depthwise and tiny layers (and on CPUs for
     * layers of few, shallow filters), one GEMM for
     * pointwise layers, Winograd for 3x3 layers of 64 channels and more on CPUs, and the implicit GEMM otherwise.
     *
     * @throws IllegalArgumentException when the pinned path cannot run this shape or one output row's column matrix
     *                                  exceeds the column budget
     */
    public Conv2dPlan forward(Conv2dShape s) {
        var path = pinned == Conv2dPath.AUTO ? automatic(s) : pinned;
        return switch (path) {
            case DIRECT -> new Conv2dPlan(s, path, sgemm, List.of());
            case POINTWISE -> {
                if (!isPointwise(s)) {
                    throw new IllegalArgumentException("path: POINTWISE needs a 1x1 kernel, stride 1 and no padding, not "
                            + s.kh() + "x" + s.kw() + " with " + s.params());
                }
                yield new Conv2dPlan(s, path, sgemm, List.of());
            }
            case IMPLICIT_GEMM -> new Conv2dPlan(s, path, tallEnough(s.kPerGroup()), List.of());
            case IM2COL_GEMM -> backward(s);
            case WINOGRAD -> {
                if (!isWinogradShape(s)) {
                    throw new IllegalArgumentException("path: WINOGRAD needs a 3x3 kernel, stride 1, dilation 1 and one"
                            + " group, not " + s.kh() + "x" + s.kw() + " with " + s.params());
                }
                yield winograd(s, winogradTile(s));
            }
            case AUTO -> throw new IllegalStateException("AUTO is resolved above");
        };
    }

    /**
     * The plan of the backward pass, which always lowers to column matrices: whole images per chunk while they fit
     * the column budget, else row slices of one image, as forward im2col.
     */
    public Conv2dPlan backward(Conv2dShape s) {
        return new Conv2dPlan(s, Conv2dPath.IM2COL_GEMM, sgemm, ColumnChunks.plan(s, columnBudgetBytes));
    }

    private Conv2dPath automatic(Conv2dShape s) {
        // A GEMM one row deep (one input channel per group) or a tiny layer is faster as one direct launch.
        if ((s.cPerGroup() == 1 && s.groups() > 1) || s.flops() < TINY_LAYER_FLOPS || fewShallowFilters(s)) {
            return Conv2dPath.DIRECT;
        }
        if (isPointwise(s)) {
            return Conv2dPath.POINTWISE;
        }
        if (prefersWinograd(s)) {
            return Conv2dPath.WINOGRAD;
        }
        // Both SGEMM kernels gather B themselves, so no column matrix is written and read back: on GPUs, where
        // memory traffic rather than arithmetic bounds most layers, that saves the larger share.
        return Conv2dPath.IMPLICIT_GEMM;
    }

    private boolean fewShallowFilters(Conv2dShape s) {
        return sgemm instanceof SgemmConfig.Blocked && s.kPerGroup() <= FEW_FILTERS
                && (long) s.cPerGroup() * s.kh() * s.kw() <= SHALLOW_DEPTH;
    }

    /** 3x3 kernel, stride 1, dilation 1, one group: the shapes the Winograd path runs, with any padding. */
    public static boolean isWinogradShape(Conv2dShape s) {
        Conv2dParams p = s.params();
        return s.kh() == 3 && s.kw() == 3 && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1
                && p.dilationW() == 1 && p.groups() == 1;
    }

    /** The Winograd plan with output tiles of {@code tile} pixels a side, chunked by images or rows of tiles. */
    private Conv2dPlan winograd(Conv2dShape s, int tile) {
        var tiles = new WinogradTiles(s, tile);
        var chunks = ColumnChunks.plan(s, winogradBudget(tiles), tiles.floatsPerTileRow(), tile,
                "one row of Winograd tiles needs");
        return new Conv2dPlan(s, Conv2dPath.WINOGRAD, sgemm, chunks, tile);
    }

    /**
     * The column budget, on CPUs at most {@link #WINOGRAD_CACHE_SHARE} of the cache but never less than
     * {@link #WINOGRAD_TILES} tiles or one row of tiles: a layer too wide for the cache still runs.
     */
    private long winogradBudget(WinogradTiles tiles) {
        long cache = device.globalCacheBytes() / WINOGRAD_CACHE_SHARE;
        if (!(sgemm instanceof SgemmConfig.Blocked) || cache == 0) {
            return columnBudgetBytes;
        }
        long tileRows = Math.max(1, (WINOGRAD_CHUNK_TILES + tiles.tilesWide() - 1) / tiles.tilesWide());
        return Math.min(columnBudgetBytes, Math.max(cache, tileRows * tiles.floatsPerTileRow() * Float.BYTES));
    }

    /**
     * F(4x4,3x3) where the output has {@link #WINOGRAD_TILES} of its tiles, else F(2x2,3x3): the SGEMM needs many
     * columns (tiles) to run at speed, and F(4x4) has a quarter as many.
     */
    private static int winogradTile(Conv2dShape s) {
        return new WinogradTiles(s, 4).count() >= WINOGRAD_TILES ? 4 : 2;
    }

    /**
     * Winograd where it pays on CPUs. Measured on 2 AMD EPYC cores (AVX2), POCL, 3x3 padding 1, best of two medians
     * of each path side by side, time of the implicit GEMM over Winograd's: N=8 C=K=64 56x56 1.3-1.5 (F(4x4)),
     * C=K=128 28x28 1.4-1.7 (F(4x4)), C=K=256 14x14 1.6 (F(2x2)); with fewer tiles or channels the gain shrinks to
     * nothing (N=1 C=K=64 56x56: 1.05, N=2 C=K=128 28x28: 1.0), and below 64 channels it was not measured widely
     * enough (N=8 C=K=32 56x56: 1.3); N=1 C=K=256 14x14, 49 tiles, gave 1.1 to 1.7, too noisy to decide. So 64
     * channels in and out and 128 tiles are required. GPUs keep the implicit GEMM until measured there.
     */
    private boolean prefersWinograd(Conv2dShape s) {
        return sgemm instanceof SgemmConfig.Blocked && isWinogradShape(s) && s.c() >= 64 && s.k() >= 64
                && new WinogradTiles(s, winogradTile(s)).count() >= WINOGRAD_TILES / 2;
    }

    /**
     * 1x1 kernel, stride 1, no padding on any side, and an output the size of the input: the shapes the pointwise
     * path runs. (A transposed convolution's adjoint can stop short of conv2d's output size, see
     * {@link org.convcl.ConvTranspose2dShape#adjoint()}.)
     */
    public static boolean isPointwise(Conv2dShape s) {
        Conv2dParams p = s.params();
        return s.kh() == 1 && s.kw() == 1 && p.strideH() == 1 && p.strideW() == 1
                && (p.padTop() | p.padBottom() | p.padLeft() | p.padRight()) == 0 && s.oh() == s.h() && s.ow() == s.w();
    }

    /**
     * Each work-group of the implicit GEMM gathers its panel of B once for all its rows, so the group should be tall
     * enough for all m rows of C; its work-items past m only help gather. So: as many work-items along M as cover m,
     * at most {@link #GATHERED_HEIGHTS} times the configured height, unless the device cannot run it.
     */
    private SgemmConfig tallEnough(int m) {
        if (!(sgemm instanceof SgemmConfig.Blocked blocked)) {
            return sgemm;
        }
        int cover = (int) Math.min((m + blocked.wptm() - 1L) / blocked.wptm(),
                (long) GATHERED_HEIGHTS * blocked.localM());
        var chosen = blocked.withLocalM(Math.max(1, cover));
        return chosen.fits(device) == null ? chosen : blocked;
    }
}
