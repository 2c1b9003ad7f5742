// Direct conv2d for one input channel per group (depthwise, with any channel multiplier), where im2col + GEMM
// would run a GEMM with M = K/groups and K = KH*KW per group:
//   y[n, k, oh, ow] = bias[k] + sum over i, j of x[n, k / (K/C), oh*SH - PH + i*DH, ow*SW - PW + j*DW] * w[k, 0, i, j]
// A work-item computes VW consecutive output pixels of one output row as one vector, so CPUs get SIMD without
// relying on vectorisation across work-items.
// NDRange: (OH * ceil(OW/VW) rounded up to LOCAL_X, N*K rounded up to LOCAL_Y).

#ifndef VW
#define VW 8 // output pixels per work-item: 2, 4, 8 or 16
#endif
#ifndef LOCAL_X
#define LOCAL_X 8 // work-items per group along the blocks of an output plane
#endif
#ifndef LOCAL_Y
#define LOCAL_Y 8 // output planes per group
#endif

#if VW != 2 && VW != 4 && VW != 8 && VW != 16
#error "VW must be 2, 4, 8 or 16"
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VW)
#define vloadV CAT(vload, VW)
#define vstoreV CAT(vstore, VW)

// Input row xr at columns iw0, iw0 + SW, ...; columns outside [0, W) read as 0. With a constant contiguous (stride
// 1, every column inside) it inlines to one vector load.
inline floatV loadRow(const __global float* xr, const int iw0, const int SW, const int W, const bool contiguous) {
    if (contiguous) {
        return vloadV(0, xr + iw0);
    }
    float lanes[VW];
    for (int e = 0; e < VW; e++) {
        const int iw = iw0 + e * SW;
        lanes[e] = iw >= 0 && iw < W ? xr[iw] : 0.0f;
    }
    return vloadV(0, lanes);
}

inline floatV convolve(const __global float* xp, const __global float* wk, const int oh, const int ow0,
                       const int H, const int W, const int KH, const int KW, const int SH, const int SW,
                       const int PH, const int PW, const int DH, const int DW, const bool contiguous) {
    floatV acc = (floatV) 0.0f;
    for (int i = 0; i < KH; i++) {
        const int ih = oh * SH - PH + i * DH;
        if (ih >= 0 && ih < H) {
            for (int j = 0; j < KW; j++) {
                acc = fma(loadRow(xp + ih * W, ow0 * SW - PW + j * DW, SW, W, contiguous), (floatV) wk[i * KW + j],
                          acc);
            }
        }
    }
    return acc;
}

__kernel __attribute__((reqd_work_group_size(LOCAL_X, LOCAL_Y, 1)))
void depthwise(const __global float* restrict x, const __global float* restrict w,
               const __global float* restrict bias, const int hasBias, __global float* restrict y,
               const int N, const int C, const int H, const int W, const int K, const int KH, const int KW,
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
    const __global float* xp = x + ((long) n * C + k / (K / C)) * H * W;
    const __global float* wk = w + k * KH * KW;
    const int iwFirst = ow0 * SW - PW;
    const int iwLast = (ow0 + VW - 1) * SW - PW + (KW - 1) * DW;
    const floatV acc = SW == 1 && iwFirst >= 0 && iwLast < W
            ? convolve(xp, wk, oh, ow0, H, W, KH, KW, SH, SW, PH, PW, DH, DW, true)
            : convolve(xp, wk, oh, ow0, H, W, KH, KW, SH, SW, PH, PW, DH, DW, false);
    const floatV v = acc + (hasBias ? bias[k] : 0.0f);
    __global float* out = y + ((long) plane * OH + oh) * OW + ow0;
    if (ow0 + VW <= OW) {
        vstoreV(v, 0, out);
    } else {
        float lanes[VW];
        vstoreV(v, 0, lanes);
        for (int e = 0; e < VW && ow0 + e < OW; e++) {
            out[e] = lanes[e];
        }
    }
}
