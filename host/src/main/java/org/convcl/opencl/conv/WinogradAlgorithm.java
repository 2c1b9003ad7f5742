package org.convcl.opencl.conv;

import java.util.Arrays;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.ColumnChunks;
import org.convcl.opencl.ops.Epilogue;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.ops.WinogradTiles;
import org.convcl.opencl.runtime.DeviceBuffer;

/**
 * Winograd F(m x m, 3x3) ({@code winograd.cl}) for 3x3 kernels, stride 1, dilation 1, one group, any padding: the
 * filter transform (kept per weight tensor while it is unchanged), then per chunk of images or tile rows the input
 * transform, one SGEMM batched over the (m+2)^2 transform positions, and the output transform, which adds the bias,
 * applies the epilogue and writes the chunk's pixels straight into the NCHW output. Fewer multiplications, a looser
 * error bound ({@link org.convcl.Tolerance#WINOGRAD}). The transforms mix whole tiles, so pixels they leave non-finite
 * are summed again directly ({@code winograd_output}): NaN and infinities land where the other algorithms put them.
 */
final class WinogradAlgorithm implements ConvAlgorithm {
    /**
     * Find mode times the Winograd algorithms, fused or not, from this many input channels: below, transforming every
     * input tile costs more than the products save, the products' depth being the channels. Fused, through the Java
     * API on 2 Zen 4 cores (AVX-512, N=8, p10, against the channel lanes): 3x3 C=8 K=32 56x56 0.60 against 0.67 ms,
     * C=4 K=16 0.27 against 0.22, C=3 K=64 224x224 26.2 against 13.7; in find mode MNIST's 5x5 (C=1) 2.70 against
     * 0.48. Unfused F(4x4,3x3) in find mode on 2 Zen 3 cores (AVX2): 3x3 C=1 K=32 128x128 (N=16) 36-48 ms against the
     * direct kernel's 4.7-5.3 and the lanes' 7.4-8.7, its program a second of the pass.
     */
    private static final int FEWEST_TIMED_CHANNELS = 8;

    /** 2 or 4 for F(2x2,3x3) or F(4x4,3x3) on every shape; 0 to take the tile the planner's rule gives each shape. */
    private final int fixedTile;

    WinogradAlgorithm(int fixedTile) {
        if (fixedTile != 0 && fixedTile != 2 && fixedTile != 4) {
            throw new IllegalArgumentException("tile: 2, 4, or 0 for the planner's rule, not " + fixedTile);
        }
        this.fixedTile = fixedTile;
    }
    @Override
    public String whyNot(Conv2dShape s, PlanContext context) {
        return whyNot(s, "WINOGRAD", "a 3x3 kernel", 3);
    }

    /**
     * Why Winograd, as {@code id}, cannot run {@code s}, or null where it can: a square window of one of
     * {@code sides} ({@code kernels} in words), stride 1, dilation 1, one group.
     */
    static String whyNot(Conv2dShape s, String id, String kernels, int... sides) {
        Conv2dParams p = s.params();
        boolean fits = s.kh() == s.kw() && Arrays.stream(sides).anyMatch(side -> side == s.kh())
                && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1 && p.dilationW() == 1
                && p.groups() == 1;
        return fits ? null : id + " needs " + kernels + ", stride 1, dilation 1 and one group, not " + s.kh() + "x"
                + s.kw() + " with " + p;
    }

    /** Why find mode leaves Winograd out of the timing of {@code s} for its channels, or null where they are enough. */
    static String fewChannels(Conv2dShape s) {
        return s.cPerGroup() < FEWEST_TIMED_CHANNELS ? "fewer than " + FEWEST_TIMED_CHANNELS + " input channels" : null;
    }

    /**
     * Whether the planner should take it: where the device class names the fewest channels
     * ({@link org.convcl.opencl.tuning.ConvPolicy#winogradChannels}) and the output has enough tiles for the products.
     * A fixed tile is never preferred: it runs where pinned, or where find mode measured it fastest.
     */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        var p = context.policy();
        return fixedTile == 0 && p.winogradChannels() > 0 && s.c() >= p.winogradChannels() && s.k() >= p.winogradChannels()
                && whyNot(s, context) == null
                && new WinogradTiles(s, 2).count() >= p.winogradTiles();
    }

    /**
     * F(4x4,3x3) where the output has {@link org.convcl.opencl.tuning.ConvPolicy#winogradF4Tiles} of its tiles, else
     * F(2x2,3x3): the products need many columns (tiles) to run at speed, and F(4x4) has a quarter as many.
     */
    private int tile(Conv2dShape s, PlanContext context) {
        return fixedTile != 0 ? fixedTile : ruleTile(s, context);
    }

    /** The tile the planner's rule gives {@code s}: see {@link #tile}. */
    static int ruleTile(Conv2dShape s, PlanContext context) {
        return new WinogradTiles(s, 4).count() >= context.policy().winogradF4Tiles() ? 4 : 2;
    }

    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        int tile = tile(s, context);
        var tiles = new WinogradTiles(s, tile);
        var chunks = ColumnChunks.plan(s, budget(tiles, context), tiles.gapFloats(), tiles.floatsPerTileRow(), tile,
                "one row of Winograd tiles needs");
        int count = (int) tiles.tilesOf(chunks.get(0));
        var products = Sgemm.choose(context.sgemm(), context.device(), context.policy(), products(s, tiles, count),
                transformed(null, count, 0, tiles.positionStride(s.c(), chunks.get(0))),
                transformed(null, count, 0, tiles.positionStride(s.k(), chunks.get(0))));
        return new Conv2dPlan(s, this, products, chunks, tile, null, null, Gather.NONE);
    }

    /**
     * The column budget, or where the device class shares out its cache
     * ({@link org.convcl.opencl.tuning.ConvPolicy#winogradCacheShare}) that share, but never less than
     * {@link org.convcl.opencl.tuning.ConvPolicy#winogradChunkTiles} tiles or one row of tiles: a layer too wide for
     * the cache still runs.
     */
    private static long budget(WinogradTiles tiles, PlanContext context) {
        var p = context.policy();
        long cache = p.winogradCacheShare() == 0 ? 0 : context.device().globalCacheBytes() / p.winogradCacheShare();
        if (cache == 0) {
            return context.columnBudgetBytes();
        }
        long tileRows = Math.max(1, (p.winogradChunkTiles() + tiles.tilesWide() - 1) / tiles.tilesWide());
        return Math.min(context.columnBudgetBytes(),
                Math.max(cache, tileRows * tiles.floatsPerTileRow() * Float.BYTES));
    }

    @Override
    public long workspaceFloats(Conv2dPlan plan) {
        return plan.tiles().largest(plan.chunks());
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        var s = plan.shape();
        var t = plan.tiles();
        var u = transformedFilters(t, r, io.w());
        // V (positions, C, T) then M (positions, K, T) in one buffer, reused by every chunk: the in-order queue
        // finishes a chunk's output transform before the next input transform overwrites V.
        var vm = r.columns.atLeast(workspaceFloats(plan));
        for (var chunk : plan.chunks()) {
            int count = (int) t.tilesOf(chunk);
            long mOffset = t.positions() * t.positionStride(s.c(), chunk);
            r.winograd.input(t, chunk, io.x(), vm);
            r.sgemm.enqueue(plan.gemm(), products(s, t, count), u,
                    transformed(vm, count, 0, t.positionStride(s.c(), chunk)),
                    transformed(vm, count, mOffset, t.positionStride(s.k(), chunk)), null, Epilogue.NONE);
            r.winograd.output(t, chunk, vm, mOffset, io.bias(), io.epilogue(), io.y(), io.x(), io.w());
        }
    }

    /**
     * U for the plan's transform from w, laid out once per weight tensor while it is unchanged; the fused path's U is
     * the same.
     */
    static DeviceBuffer transformedFilters(WinogradTiles t, ConvResources r, DeviceBuffer w) {
        return r.filters.get(w, t.filterLayout(), t.filterFloats(), laidOut -> r.winograd.filters(t, w, laidOut));
    }

    /** Per transform position, (K x C) transformed filters times (C x tiles) transformed input. */
    private static Sgemm.Size products(Conv2dShape s, WinogradTiles t, int count) {
        return new Sgemm.Size(s.k(), count, s.c(), t.positions(), 1);
    }

    /** V or M: per transform position a (channels x tiles) matrix, starting at {@code offset}, {@code stride} apart. */
    private static Sgemm.Operand transformed(DeviceBuffer vm, int count, long offset, long stride) {
        return new Sgemm.Operand(vm, offset, count, 0, stride);
    }
}
