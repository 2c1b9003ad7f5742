// conv2d without a column matrix, for groups of one input channel (depthwise, any channel multiplier), where
// im2col + GEMM would run a GEMM one row deep, and for convolutions too small to pay for two launches:
//   y[n, k, oh, ow] = bias[k] + sum over ci < C/G, i, j of
//                     x[n, g*C/G + ci, oh*SH - PH + i*DH, ow*SW - PW + j*DW] * w[k, ci, i, j],  g = k / (K/G)
// A work-item computes a run of VW output pixels of one output plane.
// NDRange: (OH * ceil(OW/VW) rounded up to LOCAL_X, N*K rounded up to LOCAL_Y).

#ifndef LOCAL_Y
#define LOCAL_Y 4 // output planes per group
#endif

// The VW output pixels from (oh, ow0) of one output plane, before the bias.
inline floatV convolve(const __global float* xp, const __global float* wk, const int oh, const int ow0,
                       const int H, const int W, const int KH, const int KW, const int SH, const int SW,
                       const int PH, const int PW, const int DH, const int DW, const bool inside) {
    floatV acc = (floatV) 0.0f;
    for (int i = 0; i < KH; i++) {
        const long ih = (long) oh * SH - PH + (long) i * DH;
        const bool rowInside = ih >= 0 && ih < H;
        for (int j = 0; j < KW; j++) {
            // A padded row still adds 0 * w, as in PyTorch, so an infinite or NaN weight there gives NaN.
            const floatV v = rowInside ? loadRow(xp + ih * W, windowColumn(ow0, SW, PW, j, DW, W), SW, W, inside)
                                       : (floatV) 0.0f;
            acc = fma(v, (floatV) wk[i * KW + j], acc);
        }
    }
    return acc;
}

__kernel __attribute__((reqd_work_group_size(LOCAL_X, LOCAL_Y, 1)))
void direct(const __global float* restrict x, const __global float* restrict w,
            const __global float* restrict bias, const int hasBias, __global float* restrict y,
            const int N, const int C, const int K, const int G, const int H, const int W, const int KH, const int KW,
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
