package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.kernels.Program;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * The transforms of {@code winograd.cl} for F(m x m, r x r): U from the filters, V from a chunk of input tiles, and the
 * output from the products M, which adds the bias, applies the epilogue and writes the chunk's pixels into the NCHW
 * output; pixels the transforms made non-finite are summed again directly from x and w.
 */
public final class WinogradKernels {
    private final ClContext cl;

    public WinogradKernels(ClContext cl) {
        this.cl = cl;
    }

    /** Writes U (positions, K, C) from w (K, C, 3, 3). */
    public void filters(WinogradTiles t, DeviceBuffer w, DeviceBuffer u) {
        var s = t.shape();
        launch("winograd_filter", t).buffer(w).buffer(u).i32(s.k()).i32(s.c())
                .enqueue1d(((long) s.k() * s.c() + WinogradTiles.RUN - 1) / WinogradTiles.RUN);
    }

    /** Writes V (positions, C, tiles of the chunk) at the start of vm from the chunk's images of x. */
    public void input(WinogradTiles t, ColumnChunks.Chunk chunk, DeviceBuffer x, DeviceBuffer vm) {
        var s = t.shape();
        launch("winograd_input", t).buffer(x).i64(imageOffset(s, chunk)).i64(x.floats()).buffer(vm)
                .i64(t.positionStride(s.c(), chunk))
                .i32(s.c()).i32(s.h()).i32(s.w()).i32(s.params().padTop()).i32(s.params().padLeft())
                .i32(chunk.oh0()).i32(chunk.rows()).i32(t.tilesWide()).i32((int) t.tilesOf(chunk))
                .enqueue1d(s.c() * t.runsOf(chunk));
    }

    /**
     * Writes the chunk's pixels of y (N, K, OH, OW) from M (positions, K, tiles of the chunk) at {@code mOffset} of vm,
     * with the bias (K) or null and the epilogue; x and w serve the direct sums of non-finite pixels.
     */
    public void output(WinogradTiles t, ColumnChunks.Chunk chunk, DeviceBuffer vm, long mOffset, DeviceBuffer bias,
                       Epilogue epilogue, DeviceBuffer y, DeviceBuffer x, DeviceBuffer w) {
        var s = t.shape();
        epilogue.arguments(launch("winograd_output", t, epilogue.defines()).buffer(vm).i64(mOffset)
                        .i64(t.positionStride(s.k(), chunk))
                        .optional(bias, vm), vm).buffer(y)
                .i64((long) chunk.n0() * s.k() * s.outputPlane()).i32(s.k()).i32(s.oh()).i32(s.ow())
                .i32(chunk.oh0()).i32(chunk.rows()).i32(t.tilesWide()).i32((int) t.tilesOf(chunk))
                .buffer(x).i64(imageOffset(s, chunk)).buffer(w).i32(s.c()).i32(s.h())
                .i32(s.w()).i32(s.params().padTop()).i32(s.params().padLeft())
                .enqueue1d(s.k() * t.runsOf(chunk));
    }

    /**
     * Writes y (N, K, OH, OW) from x with U (positions, K, C) in one launch of the fused kernel, with the bias (K) or
     * null and the epilogue; w serves the direct sums of non-finite pixels.
     */
    public void fused(WinogradTiles t, DeviceBuffer x, DeviceBuffer u, DeviceBuffer bias, Epilogue epilogue,
                      DeviceBuffer y, DeviceBuffer w) {
        var s = t.shape();
        String defines = defines(t) + " -DFUSED_CHANNELS=" + s.c() + " -DKB=" + fusedFilters(s, cl.device())
                + epilogue.defines();
        var launch = new Launch(cl, cl.kernel(Program.WINOGRAD, "winograd_fused", defines), "winograd_fused");
        epilogue.arguments(launch.buffer(x).i64(x.floats()).buffer(u).optional(bias, u), u).buffer(y).buffer(w)
                .i32(s.k()).i32(s.h()).i32(s.w()).i32(s.params().padTop()).i32(s.params().padLeft()).i32(s.oh())
                .i32(s.ow()).i32(t.tilesWide())
                .enqueue(new long[] {Launch.requireInt("winograd_fused work-items", t.runs())},
                        new long[] {1});
    }

    /** Bytes of local memory a work-item of the fused kernel takes: its run's V in every channel and a block's M. */
    public static long fusedLocalBytes(WinogradTiles t, DeviceInfo device) {
        return (long) t.positions() * (t.shape().c() + fusedFilters(t.shape(), device)) * WinogradTiles.RUN
                * Float.BYTES;
    }

    /**
     * Output channels a work-item of the fused kernel sums at once, at most K: half the vector registers, the rest
     * for the tiles' vector and the broadcast weights. The kernel alone, N=8, Zen 4: with AVX-512 16 filters ran
     * C=K=64 56x56 in 4.5 ms against 4.9 with 24 and 5.5 with 28; built for AVX2, 8 in 4.9 against 5.2-5.3 with 12
     * and 14 and 8.6 with 16, which spill.
     */
    static int fusedFilters(Conv2dShape s, DeviceInfo device) {
        return Math.min(device.vectorRegisters() / 2, s.k());
    }

    private static long imageOffset(Conv2dShape s, ColumnChunks.Chunk chunk) {
        return (long) chunk.n0() * s.c() * s.h() * s.w();
    }

    private Launch launch(String kernel, WinogradTiles t) {
        return launch(kernel, t, "");
    }

    private Launch launch(String kernel, WinogradTiles t, String moreDefines) {
        return Launch.oneDimensional(cl, Program.WINOGRAD, kernel, defines(t) + moreDefines);
    }

    private static String defines(WinogradTiles t) {
        return " -DTILE=" + t.tile() + " -DWINDOW=" + t.window() + " -DVW=" + WinogradTiles.RUN;
    }
}
