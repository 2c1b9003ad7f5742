package org.convcl.opencl.ops;

import org.convcl.Pool2dShape;
import org.convcl.kernels.Program;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.Launch;

/** The window arguments every {@code pool.cl} kernel shares. */
public final class PoolGeometry {

    /** Build options of every pool kernel: max pooling's runs are as long as the pixel runs of conv2d. */
    private static final String DEFINES = " -DVW=" + PixelRuns.VW;

    private PoolGeometry() {
    }

    /** A launch of {@code kernel} of {@code pool.cl}, all of whose kernels share one build. */
    static Launch launch(ClContext cl, String kernel) {
        return launch(cl, kernel, "");
    }

    /** A launch of {@code kernel} of the build of {@code pool.cl} with {@code moreDefines} as well. */
    static Launch launch(ClContext cl, String kernel, String moreDefines) {
        return Launch.oneDimensional(cl, Program.POOL, kernel, DEFINES + moreDefines);
    }

    /** Appends H, W, OH, OW, KH, KW, SH, SW, then the top and left padding PH, PW. */
    public static Launch window(Launch launch, Pool2dShape s) {
        inputPlane(s);
        outputPlane(s);
        var p = s.params();
        return launch.i32(s.h()).i32(s.w()).i32(s.oh()).i32(s.ow()).i32(p.kernelH()).i32(p.kernelW())
                .i32(p.strideH()).i32(p.strideW()).i32(p.padTop()).i32(p.padLeft());
    }

    /** The forward kernels' runs of VW output pixels in one output plane, OH * ceil(OW / VW). */
    static int outputRuns(Pool2dShape s) {
        outputPlane(s);
        return Launch.requireInt("output runs", s.oh() * ((s.ow() + PixelRuns.VW - 1L) / PixelRuns.VW));
    }

    /** Elements of one output plane, OH * OW, which the kernels index with 32-bit integers. */
    public static int outputPlane(Pool2dShape s) {
        return Launch.requireInt("output plane", (long) s.oh() * s.ow());
    }

    /** Elements of one input plane, H * W, which the kernels index with 32-bit integers. */
    public static int inputPlane(Pool2dShape s) {
        return Launch.requireInt("input plane", (long) s.h() * s.w());
    }

    /** Planes of the input and output alike, N * C. */
    public static long planes(Pool2dShape s) {
        return (long) s.n() * s.c();
    }
}
