// Batched, grouped SGEMM with bias epilogue, for CPU devices; same arguments and result as sgemm.cl:
//   C[b][g] (M x N, row stride ldc) = A[g] (M x K, row-major) * B[b][g] (K x N, row stride ldb) + bias[g*M + row]
// CPU OpenCL runs a work-group's work-items one after another on one core, so local tiles only add copies and
// barriers. Here each work-item keeps a WPTM x (WPTN*VW) block of C in vector registers and reads A and B straight
// from global memory: per k, WPTN vector loads of a B row and WPTM broadcasts of A.
// The barrier after every KC steps of k makes the runtime sweep the whole work-group over one KC slice of A and B
// before moving on, so that slice is reused from cache by every work-item of the group.
// NDRange: (ceil(N/(WPTN*VW)) rounded up to LOCAL_N, ceil(M/WPTM) rounded up to LOCAL_M, batch*groups).
// Rows past M read row M-1 and are not stored; columns past N take a guarded path, so any M, N, K work.

#ifndef WPTM
#define WPTM 8 // rows of C per work-item
#endif
#ifndef VW
#define VW 16 // vector width along N: 2, 4, 8 or 16
#endif
#ifndef WPTN
#define WPTN 2 // vectors of C per row per work-item
#endif
#ifndef LOCAL_N
#define LOCAL_N 1 // work-items per group along N
#endif
#ifndef LOCAL_M
#define LOCAL_M 8 // work-items per group along M
#endif
#ifndef KC
#define KC 128 // steps of k between the work-group's barriers
#endif

#if VW != 2 && VW != 4 && VW != 8 && VW != 16
#error "VW must be 2, 4, 8 or 16"
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VW)
#define vloadV CAT(vload, VW)
#define vstoreV CAT(vstore, VW)
#define WIDTH (WPTN * VW) // columns of C per work-item

// B's row at bm, lanes past the n valid columns read as 0. Inlined with a constant full, so the hot loop of the
// interior work-items has no per-lane checks.
inline floatV loadB(const __global float* bm, const int wn, const int n, const bool full) {
    if (full) {
        return vloadV(0, bm + wn * VW);
    }
    float lanes[VW];
    for (int e = 0; e < VW; e++) {
        lanes[e] = wn * VW + e < n ? bm[wn * VW + e] : 0.0f;
    }
    return vloadV(0, lanes);
}

#define PANEL (LOCAL_N * WIDTH) // columns of B a work-group uses
#define PANEL_VECS (PANEL / VW)
#define THREADS (LOCAL_N * LOCAL_M)

// Adds A (rows at arow) times B (the group's columns from bg, n of them valid) to acc, over k in [0, K). Each
// KC-step slice of B is first copied to a contiguous panel: B's rows lie ldb apart, and with ldb a multiple of a
// page they would all compete for the same few cache sets.
inline void accumulate(floatV acc[WPTM][WPTN], const __global float* arow[WPTM], const __global float* bg,
                       const int ldb, const int K, const int n, __local float* panel, const bool full) {
    const int tid = get_local_id(1) * LOCAL_N + get_local_id(0);
    const __local float* mine = panel + get_local_id(0) * WIDTH;
    for (int k0 = 0; k0 < K; k0 += KC) {
        const int kc = min(KC, K - k0);
        for (int v = tid; v < kc * PANEL_VECS; v += THREADS) {
            const int r = v / PANEL_VECS;
            const int q = v % PANEL_VECS;
            vstoreV(loadB(bg + (long) (k0 + r) * ldb, q, n, full), 0, panel + r * PANEL + q * VW);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int k = 0; k < kc; k++) {
            floatV bv[WPTN];
#pragma unroll
            for (int wn = 0; wn < WPTN; wn++) {
                bv[wn] = vloadV(0, mine + k * PANEL + wn * VW);
            }
#pragma unroll
            for (int wm = 0; wm < WPTM; wm++) {
                const floatV av = (floatV) arow[wm][k0 + k];
#pragma unroll
                for (int wn = 0; wn < WPTN; wn++) {
                    acc[wm][wn] = fma(av, bv[wn], acc[wm][wn]);
                }
            }
        }
        // The next slice overwrites the panel other work-items may still be reading.
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

__kernel __attribute__((reqd_work_group_size(LOCAL_N, LOCAL_M, 1)))
void sgemm(const int M, const int N, const int K, const int groups,
           const __global float* restrict A, const long aOffset, const long aGroupStride,
           const __global float* restrict B, const long bOffset, const int ldb,
           const long bBatchStride, const long bGroupStride,
           __global float* restrict C, const long cOffset, const int ldc,
           const long cBatchStride, const long cGroupStride,
           const __global float* restrict bias, const int hasBias) {
    const int col0 = get_global_id(0) * WIDTH;
    const int row0 = get_global_id(1) * WPTM;
    const int b = get_global_id(2) / groups;
    const int g = get_global_id(2) % groups;
    // Work-items past the edge still reach every barrier; they read nothing out of bounds and store nothing.
    const int n = clamp(N - col0, 0, WIDTH);

    const __global float* a = A + aOffset + g * aGroupStride;
    const __global float* arow[WPTM];
#pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        arow[wm] = a + (long) min(row0 + wm, M - 1) * K;
    }
    const int groupCol0 = get_group_id(0) * PANEL;
    const __global float* bg = B + bOffset + b * bBatchStride + g * bGroupStride + min(groupCol0, N);
    const int groupN = clamp(N - groupCol0, 0, PANEL);
    __local float panel[KC * PANEL];

    floatV acc[WPTM][WPTN];
#pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
#pragma unroll
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = (floatV) 0.0f;
        }
    }
    // Decided per work-group, since every work-item of the group must reach the same barriers.
    if (groupN == PANEL) {
        accumulate(acc, arow, bg, ldb, K, groupN, panel, true);
    } else {
        accumulate(acc, arow, bg, ldb, K, groupN, panel, false);
    }

    __global float* c = C + cOffset + b * cBatchStride + g * cGroupStride + col0;
#pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        if (row0 + wm >= M) {
            break;
        }
        const float bv = hasBias ? bias[g * M + row0 + wm] : 0.0f;
        __global float* crow = c + (long) (row0 + wm) * ldc;
#pragma unroll
        for (int wn = 0; wn < WPTN; wn++) {
            const floatV v = acc[wm][wn] + bv;
            if (n == WIDTH) {
                vstoreV(v, 0, crow + wn * VW);
            } else {
                float lanes[VW];
                vstoreV(v, 0, lanes);
                for (int e = 0; e < VW && wn * VW + e < n; e++) {
                    crow[wn * VW + e] = lanes[e];
                }
            }
        }
    }
}
