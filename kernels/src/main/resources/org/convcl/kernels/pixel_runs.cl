// Runs of VW output pixels of one output row, handled as one vector, so CPUs get SIMD without relying on
// vectorisation across work-items. A run reads VW input columns SW apart: one vector load where SW is 1 and no
// padding is involved, and per-column checks only near the padding.

#ifndef VW
#define VW 8 // output pixels per work-item: 2, 4, 8 or 16
#endif
#ifndef LOCAL_X
#define LOCAL_X 32 // work-items per group along the runs
#endif

// Input row xr at columns iw0, iw0 + SW, ...; columns outside [0, W) read as 0. With a constant inside (every
// column inside the row) it inlines to a vector load (stride 1, and stride 2 where the double-width load stays in
// the row) or an unchecked gather.
inline floatV loadRow(const __global float* xr, const int iw0, const int SW, const int W, const bool inside) {
    float lanes[VW];
    if (inside) {
        if (SW == 1) {
            return vloadV(0, xr + iw0);
        }
        if (SW == 2 && iw0 + 2 * VW <= W) {
            return vloadEvensV(xr + iw0);
        }
        for (int e = 0; e < VW; e++) {
            lanes[e] = xr[iw0 + e * SW];
        }
    } else {
        for (int e = 0; e < VW; e++) {
            // In 64 bits: lanes past the last output pixel can reach past 2^31 where SW is huge.
            const long iw = iw0 + (long) e * SW;
            lanes[e] = iw >= 0 && iw < W ? xr[iw] : 0.0f;
        }
    }
    return vloadV(0, lanes);
}

// loadRow's result for a run that is not inside its row, where the row starts rowAt floats into a buffer of total
// floats. Where the run's span at stride 1 or 2 lies inside the buffer, it is one (double-width) load whose lanes
// outside the row, read from the neighbouring rows, are then set to 0, instead of VW checked scalar loads. A padded
// depthwise 3x3 layer 28 pixels wide has half its runs at the borders: 5.8 -> 4.6 ms (N=8, C=256, 2 EPYC cores).
inline floatV loadRowMasked(const __global float* xr, const int iw0, const int SW, const int W, const long rowAt,
                            const long total) {
    const long first = rowAt + iw0;
    floatV v;
    if (SW == 1 && first >= 0 && first + VW <= total) {
        v = vloadV(0, xr + iw0);
    }
    else if (SW == 2 && first >= 0 && first + 2 * VW <= total) {
        v = vloadEvensV(xr + iw0);
    }
    else {
        return loadRow(xr, iw0, SW, W, false);
    }
    const intV column = iw0 + SW * laneIndices();
    return select((floatV) 0.0f, v, (column >= 0) & (column < W));
}

// Window column ow0*SW - PW + j*DW of tap j, in 64 bits since each term can pass 2^31 for a huge padding, stride or
// dilation, then clamped to W: a start past the row reads only padding either way, and loadRow's index math stays
// in 32 bits (64-bit lanes there cost a stride-2 depthwise layer half its speed on a CPU).
inline int windowColumn(const int ow0, const int SW, const int PW, const int j, const int DW, const int W) {
    return (int) min((long) ow0 * SW - PW + (long) j * DW, (long) W);
}

// Whether the VW pixels from ow0 read only columns inside the input row, for every j.
inline bool insideRun(const int ow0, const int W, const int KW, const int SW, const int PW, const int DW) {
    return (long) ow0 * SW - PW >= 0 && (long) (ow0 + VW - 1) * SW - PW + (long) (KW - 1) * DW < W;
}

// The n values from in as the first lanes of a vector, the rest 0; one vector load when n == VW.
inline floatV loadRun(const __global float* in, const int n) {
    if (n == VW) {
        return vloadV(0, in);
    }
    float lanes[VW];
    for (int e = 0; e < VW; e++) {
        lanes[e] = e < n ? in[e] : 0.0f;
    }
    return vloadV(0, lanes);
}

// Stores the first n (1 to VW) lanes of v at out; all VW with one vector store when n == VW. A shorter run, a
// row's last where VW does not divide it (Winograd's rows of 14 tiles, depthwise rows of 14 pixels), takes one store
// per bit of n, widest first, each of the lanes the wider ones left: 6 of 8 lanes are a float4 and a float2. Stored
// float by float from a private array, the short runs took a quarter of Winograd's input transform. loadRun keeps
// its loop over every lane: loading by parts slowed Winograd's output transform.
inline void storeRun(const floatV v, __global float* out, const int n) {
    if (n == VW) {
        vstoreV(v, 0, out);
        return;
    }
    int at = 0;
    // Bit B of n: the first B lanes of `wide` stored, and `narrow` the B lanes after whatever was stored.
#define STORE_BIT(B, wide, narrow) \
    narrow = (wide).lo; \
    if (n & B) { \
        CAT(vstore, B)((wide).lo, 0, out + at); \
        narrow = (wide).hi; \
        at += B; \
    }
#if VW == 16
    float8 rest8;
    STORE_BIT(8, v, rest8)
#elif VW == 8
    const float8 rest8 = v;
#endif
#if VW >= 8
    float4 rest4;
    STORE_BIT(4, rest8, rest4)
#elif VW == 4
    const float4 rest4 = v;
#endif
#if VW >= 4
    float2 rest2;
    STORE_BIT(2, rest4, rest2)
#else
    const float2 rest2 = v;
#endif
#undef STORE_BIT
    if (n & 1) {
        out[at] = rest2.s0;
    }
}
