// conv2d without a column matrix, for groups of one input channel (depthwise, any channel multiplier), where
// im2col + GEMM would run a GEMM one row deep, and for convolutions too small to pay for two launches:
//   y[n, k, oh, ow] = bias[k] + sum over ci < C/G, i, j of
//                     x[n, g*C/G + ci, oh*SH - PH + i*DH, ow*SW - PW + j*DW] * w[k, ci, i, j],  g = k / (K/G)
// then epilogue.cl's residual and activation.
// A work-item computes a run of VW output pixels in each of RB output rows of KB output planes of one group: every
// input vector it loads feeds KB multiply-adds, and its KB*RB accumulators are independent chains, so the adds of
// one do not wait for the last of another (a depthwise layer has one plane per group, hence rows).
// NDRange: (ceil(OH/RB) * ceil(OW/VW) rounded up to LOCAL_X, N*K/KB rounded up to LOCAL_Y).

#ifndef LOCAL_Y
#define LOCAL_Y 4 // work-items per group along the output planes
#endif
#ifndef KB
#define KB 1 // output planes per work-item, all of one group: 1, 2, 4 or 8
#endif
#ifndef RB
#define RB 1 // output rows per work-item
#endif
#ifndef SUM_TAPS
#define SUM_TAPS 128 // about how many taps are summed on their own before they join the total
#endif

// The window convolve walks is window.cl's.

// Adds input channel xp's share of the VW output pixels from (oh0 + r, ow0) of KB output planes to acc[kk][r]; the
// planes' filters for this channel start at wk, wStride apart. Rows past the output are computed, not stored. xp
// starts xpAt floats into the input buffer of total floats.
inline void convolve(floatV acc[KB][RB], const __global float* xp, const long xpAt, const long total,
                     const __global float* wk, const int wStride,
                     const int oh0, const int ow0, const int H, const int W, const int KH, const int KW,
                     const int SH, const int SW, const int PH, const int PW, const int DH, const int DW,
                     const bool inside) {
#if defined(WINDOW_K) && RB > 1
    // Fixed window, several rows: each input row the RB output rows need is loaded once, and its spans feed every
    // output row whose window covers it. The loops unroll completely, so the sums stay in registers and the RB rows
    // are independent chains. Depthwise 3x3, N=8 C=256 28x28, against row by row below, side by side: 1.6 against
    // 2.5-3.2 ms; stride 2 (MobileNet, 112x112): 2.7-3.7 against 3.9-4.3 ms. With one row (KB = 8), 5x5 MNIST-shaped
    // layers ran twice as long this way as row by row.
    floatV sum[KB][RB];
#pragma unroll
    for (int kk = 0; kk < KB; kk++) {
#pragma unroll
        for (int r = 0; r < RB; r++) {
            sum[kk][r] = acc[kk][r];
        }
    }
#pragma unroll
    for (int t = 0; t < (RB - 1) * WINDOW_S + WINDOW_K; t++) {
        const long ih = (long) oh0 * WINDOW_S - PH + t;
#pragma unroll
        for (int j = 0; j < WINDOW_K; j++) {
            const int iw0 = windowColumn(ow0, WINDOW_S, PW, j, 1, W);
            // A padded row still adds 0 * w, as in PyTorch, so an infinite or NaN weight there gives NaN.
            const floatV v = ih < 0 || ih >= H ? (floatV) 0.0f
                    : inside ? loadRow(xp + ih * W, iw0, WINDOW_S, W, true)
                             : loadRowMasked(xp + ih * W, iw0, WINDOW_S, W, xpAt + ih * W, total);
            // Window row i of output row r reads input row t when t = r * WINDOW_S + i.
#pragma unroll
            for (int i = 0; i < WINDOW_K; i++) {
                const int r = (t - i) / WINDOW_S;
                if (t >= i && (t - i) % WINDOW_S == 0 && r < RB) {
#pragma unroll
                    for (int kk = 0; kk < KB; kk++) {
                        sum[kk][r] = fma(v, (floatV) wk[kk * wStride + i * WINDOW_K + j], sum[kk][r]);
                    }
                }
            }
        }
    }
#pragma unroll
    for (int kk = 0; kk < KB; kk++) {
#pragma unroll
        for (int r = 0; r < RB; r++) {
            acc[kk][r] = sum[kk][r];
        }
    }
#else
    // Row by row, each row's sums in private variables: POCL does not inline this function, and updating acc tap by
    // tap sent every multiply-add through memory (depthwise 3x3 stride 2: 8.3-8.6 -> 6.6-7.0 ms; 5x5 MNIST layer:
    // 2.6 -> 1.6 ms; medians side by side).
#pragma unroll
    for (int r = 0; r < RB; r++) {
        floatV sum[KB];
#pragma unroll
        for (int kk = 0; kk < KB; kk++) {
            sum[kk] = acc[kk][r];
        }
        for (int i = 0; i < TAPS_H; i++) {
            const long ih = (long) (oh0 + r) * STEP_H - PH + (long) i * DIL_H;
            for (int j = 0; j < TAPS_W; j++) {
                const int iw0 = windowColumn(ow0, STEP_W, PW, j, DIL_W, W);
                // A padded row still adds 0 * w, as in PyTorch, so an infinite or NaN weight there gives NaN.
                const floatV v = ih < 0 || ih >= H ? (floatV) 0.0f
                        : inside ? loadRow(xp + ih * W, iw0, STEP_W, W, true)
                                 : loadRowMasked(xp + ih * W, iw0, STEP_W, W, xpAt + ih * W, total);
#pragma unroll
                for (int kk = 0; kk < KB; kk++) {
                    sum[kk] = fma(v, (floatV) wk[kk * wStride + i * TAPS_W + j], sum[kk]);
                }
            }
        }
#pragma unroll
        for (int kk = 0; kk < KB; kk++) {
            acc[kk][r] = sum[kk];
        }
    }
#endif
}

__kernel __attribute__((reqd_work_group_size(LOCAL_X, LOCAL_Y, 1)))
void direct(const __global float* restrict x, const __global float* restrict w,
            const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS, __global float* restrict y,
            const int N, const int C, const int K, const int G, const int H, const int W, const int KH, const int KW,
            const int SH, const int SW, const int PH, const int PW, const int DH, const int DW,
            const int OH, const int OW) {
    const int blocks = (OW + VW - 1) / VW;
    const int block = get_global_id(0);
    const int planes = get_global_id(1);
    if (block >= (OH + RB - 1) / RB * blocks || planes >= N * (K / KB)) {
        return;
    }
    const int n = planes / (K / KB);
    const int k0 = planes % (K / KB) * KB;
    const int oh0 = block / blocks * RB;
    const int ow0 = block % blocks * VW;
    const int cg = C / G;
    const int wStride = cg * KH * KW;
    const bool inside = insideRun(ow0, W, KW, SW, PW, DW);
    floatV acc[KB][RB];
    BLOCK_SET(acc, KB, RB, (floatV) 0.0f);
    const long total = (long) N * C * H * W;
    // Input channel ci's share of the sums, as convolve adds it.
#define CHANNEL(sums, ci) \
    { \
        const long xpAt = ((long) n * C + k0 / (K / G) * cg + (ci)) * H * W; \
        const __global float* wk = w + (long) k0 * wStride + (ci) * KH * KW; \
        if (inside) { \
            convolve(sums, x + xpAt, xpAt, total, wk, wStride, oh0, ow0, H, W, KH, KW, SH, SW, PH, PW, DH, DW, \
                     true); \
        } else { \
            convolve(sums, x + xpAt, xpAt, total, wk, wStride, oh0, ow0, H, W, KH, KW, SH, SW, PH, PW, DH, DW, \
                     false); \
        } \
    }
    // Blocks of channels are summed on their own in part and then added to acc: summed in one chain, the rounding
    // of C * KH * KW terms added one by one to a growing total left ten times PyTorch's error at C = 2048, 3x3.
    const int blockChannels = max(1, SUM_TAPS / (KH * KW));
    floatV part[KB][RB];
    BLOCK_SET(part, KB, RB, (floatV) 0.0f);
    for (int ci = 0; ci < cg; ci++) {
        CHANNEL(part, ci)
        if ((ci + 1) % blockChannels == 0 || ci + 1 == cg) {
            BLOCK_ADD(acc, part, KB, RB);
            BLOCK_SET(part, KB, RB, (floatV) 0.0f);
        }
    }
#undef CHANNEL
    const int run = min(VW, OW - ow0);
#pragma unroll
    for (int kk = 0; kk < KB; kk++) {
#pragma unroll
        for (int r = 0; r < RB; r++) {
            if (oh0 + r < OH) {
                const long o = (((long) n * K + k0 + kk) * OH + oh0 + r) * OW + ow0;
                const floatV z = PLUS_RESIDUAL(addResidual, acc[kk][r] + (hasBias ? bias[k0 + kk] : 0.0f),
                                               loadRun(residual + o, run));
                storeRun(ACTIVATE(z, actKind, actA, actB), y + o, run);
            }
        }
    }
}
