package org.convcl.opencl.ops;

import org.convcl.Pool2dShape;
import org.convcl.opencl.runtime.Launch;

/** The window arguments every {@code pool.cl} kernel shares. */
public final class PoolGeometry {

    private PoolGeometry() {
    }

    /** Appends total, H, W, OH, OW, KH, KW, SH, SW, then the top and left padding PH, PW. */
    public static Launch window(Launch launch, long total, Pool2dShape s) {
        Launch.requireInt("input plane", (long) s.h() * s.w());
        Launch.requireInt("output plane", (long) s.oh() * s.ow());
        var p = s.params();
        return launch.i64(total).i32(s.h()).i32(s.w()).i32(s.oh()).i32(s.ow()).i32(p.kernelH()).i32(p.kernelW())
                .i32(p.strideH()).i32(p.strideW()).i32(p.padTop()).i32(p.padLeft());
    }

    public static long outputs(Pool2dShape s) {
        return (long) s.n() * s.c() * s.oh() * s.ow();
    }

    public static long inputs(Pool2dShape s) {
        return (long) s.n() * s.c() * s.h() * s.w();
    }
}
