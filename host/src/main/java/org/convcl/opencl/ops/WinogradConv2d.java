package org.convcl.opencl.ops;

import org.convcl.kernels.Program;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.runtime.Workspace;

/**
 * conv2d as Winograd F(m x m, 3x3) ({@code winograd.cl}): the filter transform once per call, then per chunk of
 * images or tile rows the input transform, one SGEMM batched over the (m+2)^2 transform positions, and the output
 * transform, which adds the bias, applies the epilogue and writes the chunk's pixels straight into the NCHW output.
 * Pixels the transforms made non-finite are summed again directly (see {@code winograd_output}), so NaN and
 * infinities land where the other paths put them.
 * Keeps its scratch buffers between calls; close it to release them.
 */
final class WinogradConv2d implements AutoCloseable {
    private final ClContext cl;
    private final Workspace filters;
    private final Workspace tiles;

    WinogradConv2d(ClContext cl) {
        this.cl = cl;
        this.filters = new Workspace(cl, "Winograd filters");
        this.tiles = new Workspace(cl, "Winograd tiles");
    }

    /**
     * Enqueues y (N, K, OH, OW) = epilogue(conv2d(x (N, C, H, W), w (K, C, 3, 3)) + bias (K) or null), the
     * epilogue's residual (N, K, OH, OW).
     */
    void enqueue(Conv2dPlan plan, Sgemm sgemm, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Epilogue epilogue,
                 DeviceBuffer y) {
        var s = plan.shape();
        var t = plan.tiles();
        String defines = " -DTILE=" + t.tile() + " -DVW=" + WinogradTiles.RUN;
        var u = filters.atLeast(t.filterFloats());
        launch("winograd_filter", defines).buffer(w).buffer(u).i32(s.k()).i32(s.c())
                .enqueue1d(((long) s.k() * s.c() + WinogradTiles.RUN - 1) / WinogradTiles.RUN);
        // V (positions, C, T) then M (positions, K, T) in one buffer, reused by every chunk: the in-order queue
        // finishes a chunk's output transform before the next input transform overwrites V.
        var vm = tiles.atLeast(plan.largestChunkFloats());
        for (var chunk : plan.chunks()) {
            int count = (int) t.tilesOf(chunk);
            long runs = t.runsOf(chunk);
            long mOffset = (long) t.positions() * s.c() * count;
            launch("winograd_input", defines).buffer(x).i64((long) chunk.n0() * s.c() * s.h() * s.w()).buffer(vm)
                    .i32(s.c()).i32(s.h()).i32(s.w()).i32(s.params().padTop()).i32(s.params().padLeft())
                    .i32(chunk.oh0()).i32(chunk.rows()).i32(t.tilesWide()).i32(count)
                    .enqueue1d(s.c() * runs);
            sgemm.enqueue(new Sgemm.Size(s.k(), count, s.c(), t.positions(), 1), u,
                    new Sgemm.Operand(vm, 0, count, 0, (long) s.c() * count),
                    new Sgemm.Operand(vm, mOffset, count, 0, (long) s.k() * count), null);
            epilogue.arguments(launch("winograd_output", defines + epilogue.defines()).buffer(vm).i64(mOffset)
                            .optional(bias, vm), vm).buffer(y)
                    .i64((long) chunk.n0() * s.k() * s.outputPlane()).i32(s.k()).i32(s.oh()).i32(s.ow())
                    .i32(chunk.oh0()).i32(chunk.rows()).i32(t.tilesWide()).i32(count)
                    .buffer(x).i64((long) chunk.n0() * s.c() * s.h() * s.w()).buffer(w).i32(s.c()).i32(s.h())
                    .i32(s.w()).i32(s.params().padTop()).i32(s.params().padLeft())
                    .enqueue1d(s.k() * runs);
        }
    }

    private Launch launch(String kernel, String defines) {
        return Launch.oneDimensional(cl, Program.WINOGRAD, kernel, defines);
    }

    /** Releases the scratch buffers. */
    @Override
    public void close() {
        try {
            tiles.close();
        } finally {
            filters.close();
        }
    }
}
