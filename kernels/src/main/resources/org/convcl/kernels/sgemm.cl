// Batched, grouped SGEMM with bias epilogue:
//   C[b][g] (M x N, row stride ldc) = A[g] (M x K, row-major) * B[b][g] (K x N, row stride ldb) + bias[g*M + row]
// then epilogue.cl's residual and activation, the residual laid out like C.
// For conv2d, A is the weight of group g, B the column matrix (or the input itself for 1x1 kernels), and C lands
// directly in the NCHW output, so no transpose pass is needed.
// Each work-group computes a TSM x TSN tile of C through TSK-deep tiles of A and B staged in local memory;
// each work-item accumulates WPTM x WPTN results in registers.
// NDRange: (ceil(N/TSN)*RTSN, ceil(M/TSM)*RTSM, batch*groups); edges are guarded, so any M, N, K work.

#ifndef TSM
#define TSM 64 // tile rows of C (output channels) per work-group
#endif
#ifndef TSN
#define TSN 64 // tile columns of C (output pixels) per work-group
#endif
#ifndef TSK
#define TSK 16 // depth of the A and B tiles in local memory
#endif
#ifndef WPTM
#define WPTM 4 // rows of C per work-item
#endif
#ifndef WPTN
#define WPTN 4 // columns of C per work-item
#endif

#define RTSM (TSM / WPTM) // work-items per group along M
#define RTSN (TSN / WPTN) // work-items per group along N
#define THREADS (RTSM * RTSN)

#if (TSM % WPTM) != 0 || (TSN % WPTN) != 0
#error "TSM must be a multiple of WPTM and TSN a multiple of WPTN"
#endif

__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void sgemm(const int M, const int N, const int K, const int groups,
           const __global float* restrict A, const long aOffset, const long aGroupStride,
           const __global float* restrict B, const long bOffset, const int ldb,
           const long bBatchStride, const long bGroupStride,
           __global float* restrict C, const long cOffset, const int ldc,
           const long cBatchStride, const long cGroupStride,
           const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS) {
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int tid = ly * RTSN + lx;
    const int col0 = get_group_id(0) * TSN;
    const int row0 = get_group_id(1) * TSM;
    const int b = get_global_id(2) / groups;
    const int g = get_global_id(2) % groups;

    const __global float* a = A + aOffset + g * aGroupStride;
    const __global float* bm = B + bOffset + b * bBatchStride + g * bGroupStride;

    __local float Asub[TSK][TSM];
    __local float Bsub[TSK][TSN];

    float acc[WPTM][WPTN];
    for (int wm = 0; wm < WPTM; wm++) {
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = 0.0f;
        }
    }

    for (int k0 = 0; k0 < K; k0 += TSK) {
        // Consecutive work-items read consecutive addresses of A's rows and B's rows.
        for (int l = tid; l < TSM * TSK; l += THREADS) {
            const int m = l / TSK;
            const int k = l % TSK;
            Asub[k][m] = (row0 + m < M && k0 + k < K) ? a[(long) (row0 + m) * K + k0 + k] : 0.0f;
        }
        for (int l = tid; l < TSK * TSN; l += THREADS) {
            const int k = l / TSN;
            const int n = l % TSN;
            Bsub[k][n] = (k0 + k < K && col0 + n < N) ? bm[(long) (k0 + k) * ldb + col0 + n] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int k = 0; k < TSK; k++) {
            float breg[WPTN];
            for (int wn = 0; wn < WPTN; wn++) {
                breg[wn] = Bsub[k][lx + wn * RTSN];
            }
            for (int wm = 0; wm < WPTM; wm++) {
                const float areg = Asub[k][ly + wm * RTSM];
                for (int wn = 0; wn < WPTN; wn++) {
                    acc[wm][wn] += areg * breg[wn];
                }
            }
        }
        // The next iteration overwrites the tiles other work-items may still be reading.
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    __global float* c = C + cOffset + b * cBatchStride + g * cGroupStride;
    const __global float* r = residual + (c - C);
    for (int wm = 0; wm < WPTM; wm++) {
        const int row = row0 + ly + wm * RTSM;
        if (row >= M) {
            continue;
        }
        const float bv = hasBias ? bias[g * M + row] : 0.0f;
        for (int wn = 0; wn < WPTN; wn++) {
            const int col = col0 + lx + wn * RTSN;
            if (col < N) {
                c[(long) row * ldc + col] = epilogue(acc[wm][wn] + bv, r + (long) row * ldc + col, actA, actB);
            }
        }
    }
}
