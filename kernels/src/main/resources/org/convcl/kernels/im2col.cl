// Lowering kernels of conv2d on NCHW images. Output pixels are handled VW at a time, as one vector, so CPUs get
// SIMD without relying on vectorisation across work-items; a run of VW pixels of one output row reads VW input
// columns SW apart, one vector load where SW is 1 and no padding is involved, and per-column checks only near the
// padding.
//
// im2col: col is (images, C*KH*KW, rows*OW): row (c*KH + i)*KW + j, column (oh - oh0)*OW + ow holds
// x[n, c, oh*SH - PH + i*DH, ow*SW - PW + j*DW], or 0 where that falls in the zero padding.
// Only output rows [oh0, oh0 + rows) are produced, so a huge image can be lowered in slices.
// NDRange: (rows * ceil(OW/VW) rounded up to LOCAL_X, C, images); a work-item writes its pixels' KH*KW rows of one
// channel.
//
// im2col_transposed: the same column matrix transposed, (images*rows*OW, C*KH*KW), the layout the weight gradient's
// GEMM reads. Its writes are strided by C*KH*KW whatever the work-item order, so it stays one element per work-item.
// NDRange: (rows*OW rounded up to LOCAL_X, C*KH*KW, images).
//
// direct: conv2d without a column matrix, for groups of one input channel (depthwise, any channel multiplier),
// where im2col + GEMM would run a GEMM one row deep, and for convolutions too small to pay for two launches:
//   y[n, k, oh, ow] = bias[k] + sum over ci < C/G, i, j of
//                     x[n, g*C/G + ci, oh*SH - PH + i*DH, ow*SW - PW + j*DW] * w[k, ci, i, j],  g = k / (K/G)
// NDRange: (OH * ceil(OW/VW) rounded up to LOCAL_X, N*K rounded up to LOCAL_Y).

#ifndef VW
#define VW 8 // output pixels per work-item: 2, 4, 8 or 16
#endif
#ifndef LOCAL_X
#define LOCAL_X 32 // work-items per group along the pixel blocks
#endif
#ifndef LOCAL_Y
#define LOCAL_Y 4 // output planes per group of the direct kernel
#endif

#if VW != 2 && VW != 4 && VW != 8 && VW != 16
#error "VW must be 2, 4, 8 or 16"
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VW)
#define vloadV CAT(vload, VW)
#define vstoreV CAT(vstore, VW)

// Input row xr at columns iw0, iw0 + SW, ...; columns outside [0, W) read as 0. With a constant inside (every
// column inside the row) it inlines to a vector load or an unchecked gather.
inline floatV loadRow(const __global float* xr, const int iw0, const int SW, const int W, const bool inside) {
    float lanes[VW];
    if (inside) {
        if (SW == 1) {
            return vloadV(0, xr + iw0);
        }
        for (int e = 0; e < VW; e++) {
            lanes[e] = xr[iw0 + e * SW];
        }
    } else {
        for (int e = 0; e < VW; e++) {
            const int iw = iw0 + e * SW;
            lanes[e] = iw >= 0 && iw < W ? xr[iw] : 0.0f;
        }
    }
    return vloadV(0, lanes);
}

// Whether the VW pixels from ow0 read only columns inside the input row, for every j.
inline bool insideRun(const int ow0, const int W, const int KW, const int SW, const int PW, const int DW) {
    return ow0 * SW - PW >= 0 && (ow0 + VW - 1) * SW - PW + (KW - 1) * DW < W;
}

// Stores the first n lanes of v at out; all VW with one vector store when n == VW.
inline void storeRun(const floatV v, __global float* out, const int n) {
    if (n == VW) {
        vstoreV(v, 0, out);
    } else {
        float lanes[VW];
        vstoreV(v, 0, lanes);
        for (int e = 0; e < n; e++) {
            out[e] = lanes[e];
        }
    }
}

// Writes the KH*KW column rows of one channel for the VW pixels from (oh, ow0); n of them are real.
inline void lower(const __global float* xp, __global float* out, const long cols, const int oh, const int ow0,
                  const int n, const int H, const int W, const int KH, const int KW, const int SH, const int SW,
                  const int PH, const int PW, const int DH, const int DW, const bool inside) {
    for (int i = 0; i < KH; i++) {
        const int ih = oh * SH - PH + i * DH;
        for (int j = 0; j < KW; j++) {
            const floatV v = ih >= 0 && ih < H ? loadRow(xp + ih * W, ow0 * SW - PW + j * DW, SW, W, inside)
                                               : (floatV) 0.0f;
            storeRun(v, out + (i * KW + j) * cols, n);
        }
    }
}

__kernel __attribute__((reqd_work_group_size(LOCAL_X, 1, 1)))
void im2col(const __global float* restrict x, const long xOffset,
            __global float* restrict col,
            const int C, const int H, const int W,
            const int KH, const int KW,
            const int SH, const int SW, const int PH, const int PW, const int DH, const int DW,
            const int OW, const int oh0, const int rows) {
    const int blocks = (OW + VW - 1) / VW;
    const int block = get_global_id(0);
    if (block >= rows * blocks) {
        return;
    }
    const int c = get_global_id(1);
    const int image = get_global_id(2);
    const int oh = oh0 + block / blocks;
    const int ow0 = block % blocks * VW;
    const int n = min(VW, OW - ow0);
    const long cols = (long) rows * OW;
    const __global float* xp = x + xOffset + ((long) image * C + c) * H * W;
    __global float* out = col + ((long) image * C + c) * KH * KW * cols + (oh - oh0) * OW + ow0;
    if (insideRun(ow0, W, KW, SW, PW, DW)) {
        lower(xp, out, cols, oh, ow0, n, H, W, KH, KW, SH, SW, PH, PW, DH, DW, true);
    } else {
        lower(xp, out, cols, oh, ow0, n, H, W, KH, KW, SH, SW, PH, PW, DH, DW, false);
    }
}

__kernel __attribute__((reqd_work_group_size(LOCAL_X, 1, 1)))
void im2col_transposed(const __global float* restrict x, const long xOffset,
                       __global float* restrict col,
                       const int C, const int H, const int W,
                       const int KH, const int KW,
                       const int SH, const int SW, const int PH, const int PW, const int DH, const int DW,
                       const int OW, const int oh0, const int rows) {
    const int column = get_global_id(0);
    const int cols = rows * OW;
    if (column >= cols) {
        return;
    }
    const int row = get_global_id(1);
    const int image = get_global_id(2);
    const int j = row % KW;
    const int i = (row / KW) % KH;
    const int c = row / (KW * KH);
    const int ih = (oh0 + column / OW) * SH - PH + i * DH;
    const int iw = column % OW * SW - PW + j * DW;
    float v = 0.0f;
    if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
        v = x[xOffset + (((long) image * C + c) * H + ih) * W + iw];
    }
    col[((long) image * cols + column) * (C * KH * KW) + row] = v;
}

// The VW output pixels from (oh, ow0) of one output plane, before the bias.
inline floatV convolve(const __global float* xp, const __global float* wk, const int oh, const int ow0,
                       const int H, const int W, const int KH, const int KW, const int SH, const int SW,
                       const int PH, const int PW, const int DH, const int DW, const bool inside) {
    floatV acc = (floatV) 0.0f;
    for (int i = 0; i < KH; i++) {
        const int ih = oh * SH - PH + i * DH;
        if (ih >= 0 && ih < H) {
            for (int j = 0; j < KW; j++) {
                acc = fma(loadRow(xp + ih * W, ow0 * SW - PW + j * DW, SW, W, inside), (floatV) wk[i * KW + j],
                          acc);
            }
        }
    }
    return acc;
}

__kernel __attribute__((reqd_work_group_size(LOCAL_X, LOCAL_Y, 1)))
void direct(const __global float* restrict x, const __global float* restrict w,
            const __global float* restrict bias, const int hasBias, __global float* restrict y,
            const int N, const int C, const int H, const int W, const int K, const int G, const int KH, const int KW,
            const int SH, const int SW, const int PH, const int PW, const int DH, const int DW,
            const int OH, const int OW) {
    const int blocks = (OW + VW - 1) / VW;
    const int block = get_global_id(0);
    const int plane = get_global_id(1);
    if (block >= OH * blocks || plane >= N * K) {
        return;
    }
    const int n = plane / K;
    const int k = plane % K;
    const int oh = block / blocks;
    const int ow0 = block % blocks * VW;
    const int cg = C / G;
    const bool inside = insideRun(ow0, W, KW, SW, PW, DW);
    floatV acc = (floatV) 0.0f;
    for (int ci = 0; ci < cg; ci++) {
        const __global float* xp = x + ((long) n * C + k / (K / G) * cg + ci) * H * W;
        const __global float* wk = w + ((long) k * cg + ci) * KH * KW;
        acc += inside ? convolve(xp, wk, oh, ow0, H, W, KH, KW, SH, SW, PH, PW, DH, DW, true)
                      : convolve(xp, wk, oh, ow0, H, W, KH, KW, SH, SW, PH, PW, DH, DW, false);
    }
    storeRun(acc + (hasBias ? bias[k] : 0.0f), y + ((long) plane * OH + oh) * OW + ow0, min(VW, OW - ow0));
}
