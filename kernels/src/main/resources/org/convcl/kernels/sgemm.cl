// Batched, grouped SGEMM with bias epilogue, for GPUs:
//   C[b][g] (M x N, row stride ldc) = A[g] (M x K, row-major) * B[b][g] (K x N, row stride ldb) + bias[g*M + row]
// then epilogue.cl's residual and activation, the residual laid out like C.
// For conv2d, A is the weight of group g, B the column matrix (or the input itself for 1x1 kernels), and C lands
// directly in the NCHW output, so no transpose pass is needed.
//
// Two levels of tiling. A work-group computes an MWG x NWG tile of C in KWG-deep steps of k with MDIMC x NDIMC
// work-items, each keeping an MWI x NWI block of C in registers. Each operand's tile is either staged in local
// memory by the whole group (SA, SB) or read by each work-item straight from global memory (through the caches).
// Staging loads use their own work-group shape: MDIMA rows of A by KDIMA vectors along k, KDIMB rows of B by
// NDIMB vectors along n, so that consecutive work-items read consecutive addresses whatever MDIMC and NDIMC are.
// A is row-major with k contiguous (conv2d weights), so its vectors (VWM floats) run along k; B's and C's (VWN
// floats) run along n. Vectors are read and written through vector pointers, which on GPUs become single wide
// transactions and need aligned addresses: the host narrows VWM to divide K, and VWN to divide every offset and
// row stride of B and C, before it builds (SgemmConfig.Tiled.alignedTo).
// STRM/STRN choose a work-item's rows and columns of C: contiguous (0), or strided by MDIMC rows and by NDIMC
// vectors (1), which makes neighbouring work-items touch neighbouring addresses in local memory and in C.
// NDRange: (ceil(N/NWG)*NDIMC, ceil(M/MWG)*MDIMC, batch*groups), or groups alone under FOLD_BATCH. Reads past M, N
// or K give 0 and stores past M or N are skipped, so any M, N, K work.
//
// With IMPLICIT defined, B is not read from memory but gathered from NCHW images (implicit GEMM for conv2d, see
// conv_gather.cl): B points at x, bBatchStride and bGroupStride step images and channel groups, ldb is unused, and
// the conv geometry follows as extra arguments.
//
// With FOLD_BATCH defined, the batch is folded into N, so that small images fill whole tiles rather than leave most
// of each image's last tile empty: column j is pixel j % P of image j / P (P, the pixels an image, is the last
// argument), N counts the whole batch's columns and only the groups lie along z. Each work-group finds where its
// columns lie in B and C once, into local tables (as the implicit gather's window origins); the host narrows VWN to
// divide P, so the columns of a vector lie side by side in one image.

#ifndef MWG
#define MWG 64 // rows of C (output channels) per work-group
#endif
#ifndef NWG
#define NWG 64 // columns of C (output pixels) per work-group
#endif
#ifndef KWG
#define KWG 16 // depth of k per step
#endif
#ifndef MDIMC
#define MDIMC 16 // work-items per group along M
#endif
#ifndef NDIMC
#define NDIMC 16 // work-items per group along N
#endif
#ifndef MDIMA
#define MDIMA 16 // rows of A loaded at once when staging A
#endif
#ifndef NDIMB
#define NDIMB 16 // vectors of a row of B loaded at once when staging B
#endif
#ifndef VWM
#define VWM 1 // vector width of A's loads, along k: 1, 2, 4 or 8
#endif
#ifndef VWN
#define VWN 1 // vector width of B's loads and C's stores, along n: 1, 2, 4 or 8
#endif
#ifndef SA
#define SA 1 // 1: stage A's tile in local memory
#endif
#ifndef SB
#define SB 1 // 1: stage B's tile in local memory
#endif
#ifndef STRM
#define STRM 1 // 1: a work-item's rows are MDIMC apart; 0: contiguous
#endif
#ifndef STRN
#define STRN 1 // 1: a work-item's vectors of columns are NDIMC vectors apart; 0: contiguous
#endif

#ifndef SUM_K
#define SUM_K 128 // about how many steps of k are summed on their own before they join the total
#endif

#define SUM_STEPS (SUM_K > KWG ? SUM_K / KWG : 1)
#define MWI (MWG / MDIMC) // rows of C per work-item
#define NWI (NWG / NDIMC) // columns of C per work-item
#define THREADS (MDIMC * NDIMC)
#define KDIMA (THREADS / MDIMA) // vectors along k per row of A when staging A
#define KDIMB (THREADS / NDIMB) // rows of B loaded at once when staging B
#define ALD (KWG + 1) // row stride of A's local tile: the extra float spreads its rows over the local banks

#if (VWM != 1 && VWM != 2 && VWM != 4 && VWM != 8) || (VWN != 1 && VWN != 2 && VWN != 4 && VWN != 8)
#error "VWM and VWN must be 1, 2, 4 or 8"
#endif
#if MWG % MDIMC != 0 || NWG % NDIMC != 0
#error "MWG must be a multiple of MDIMC and NWG of NDIMC"
#endif
#if THREADS % MDIMA != 0 || THREADS % NDIMB != 0
#error "MDIMA and NDIMB must divide MDIMC*NDIMC"
#endif
#if MWG % MDIMA != 0 || KWG % (KDIMA * VWM) != 0
#error "MWG must be a multiple of MDIMA and KWG of KDIMA*VWM"
#endif
#if NWG % (NDIMB * VWN) != 0 || KWG % KDIMB != 0
#error "NWG must be a multiple of NDIMB*VWN and KWG of KDIMB"
#endif
#if NWI % VWN != 0
#error "NWG/NDIMC must be a multiple of VWN"
#endif

// Vectors of VWM and VWN floats; a width of 1 is a plain float. The private array forms let a vector be taken
// apart lane by lane at the edges.
#if VWM == 1
#define floatM float
#define privateToM(p) (*(p))
#define mToPrivate(v, p) (*(p) = (v))
#else
#define floatM CAT(float, VWM)
#define privateToM(p) CAT(vload, VWM)(0, p)
#define mToPrivate(v, p) CAT(vstore, VWM)(v, 0, p)
#endif
#if VWN == 1
#define floatN float
#define privateToN(p) (*(p))
#define nToPrivate(v, p) (*(p) = (v))
#else
#define floatN CAT(float, VWN)
#define privateToN(p) CAT(vload, VWN)(0, p)
#define nToPrivate(v, p) CAT(vstore, VWN)(v, 0, p)
#endif

// A[m][k .. k+VWM) of the group's A (rows K apart), 0 past M or K.
inline void readA(const __global float* a, const int M, const int K, const int m, const int k, float out[VWM]) {
    if (m < M && k + VWM <= K) {
        mToPrivate(*(const __global floatM*) (a + (long) m * K + k), out);
        return;
    }
    for (int e = 0; e < VWM; e++) {
        out[e] = m < M && k + e < K ? a[(long) m * K + k + e] : 0.0f;
    }
}

// B is read a row at a time: rowB finds where row k lies once, readB then reads vectors of it. Rows past K read as 0.
// Under FOLD_BATCH, bAt holds where each of the tile's columns lies from the group's B of image 0: its image's start
// (IMPLICIT, where the window origins give the pixel) or its own (otherwise); -1 past N.
#ifdef IMPLICIT
#define B_PIXEL(pixel) 0
#ifdef FOLD_BATCH
#define IMAGE_AT(s, c) ((s)->bAt[c])
#else
#define IMAGE_AT(s, c) 0
#endif
// Where the gathered B comes from: one image's channel group at x (image 0's under FOLD_BATCH), the conv geometry,
// and the window origins of the tile's NWG columns, computed once per work-group (dividing out a column's pixel per
// element read cost about five integer divisions per element).
typedef struct {
    const __global float* x;
    int K, H, W, KH, KW, DH, DW;
    const __local coord* ih0;
    const __local coord* iw0;
#ifdef FOLD_BATCH
    const __local long* bAt;
#endif
} Source;

// Row k of B: tap (c, i, j) of every window, as the channel's plane and the tap's offset from the window origin.
typedef struct {
    const __global float* xc;
    coord di, dj;
    bool inK;
} RowB;

inline RowB rowB(const Source* s, const int k) {
    const Tap t = tapOf(min(k, s->K - 1), s->KH, s->KW);
    const RowB r = {s->x + (long) t.c * s->H * s->W, (coord) t.i * s->DH, (coord) t.j * s->DW, k < s->K};
    return r;
}

// The row's VWN values in the tile's columns [c, c + VWN), 0 in the zero padding and past N (whose origins lie far
// above the image).
inline void readB(const Source* s, const RowB* r, const int c, float out[VWN]) {
    for (int e = 0; e < VWN; e++) {
        const coord ih = s->ih0[c + e] + r->di;
        const coord iw = s->iw0[c + e] + r->dj;
        out[e] = r->inK && ih >= 0 && ih < s->H && iw >= 0 && iw < s->W ? r->xc[IMAGE_AT(s, c + e) + ih * s->W + iw]
                                                                       : 0.0f;
    }
}
#else
#define B_PIXEL(pixel) (pixel)
// Where B comes from: the group's B from the tile's first column at b, n columns of it valid, rows ldb apart; under
// FOLD_BATCH, from image 0's first column, and bAt says where each column lies.
typedef struct {
    const __global float* b;
    int K, n, ldb;
#ifdef FOLD_BATCH
    const __local long* bAt;
#endif
} Source;

typedef struct {
    const __global float* at;
    bool inK;
} RowB;

inline RowB rowB(const Source* s, const int k) {
    const RowB r = {s->b + (long) min(k, s->K - 1) * s->ldb, k < s->K};
    return r;
}

// The row's VWN values in the tile's columns [c, c + VWN), 0 past N.
inline void readB(const Source* s, const RowB* r, const int c, float out[VWN]) {
#ifdef FOLD_BATCH
    // P is a multiple of VWN, so the vector lies in one image, or wholly past N.
    const long at = s->bAt[c];
    if (r->inK && at >= 0) {
        nToPrivate(*(const __global floatN*) (r->at + at), out);
        return;
    }
    for (int e = 0; e < VWN; e++) {
        out[e] = 0.0f;
    }
#else
    if (r->inK && c + VWN <= s->n) {
        nToPrivate(*(const __global floatN*) (r->at + c), out);
        return;
    }
    for (int e = 0; e < VWN; e++) {
        out[e] = r->inK && c + e < s->n ? r->at[c + e] : 0.0f;
    }
#endif
}
#endif

// C_AT: where the tile's column c (the product's column col) lies from the start of its row of C, in its image's
// matrix under FOLD_BATCH. PIXELS: the columns of one image, over which the window origins run.
#ifdef FOLD_BATCH
#define C_AT(c, col) cAt[c]
#define PIXELS P
#else
#define C_AT(c, col) (col)
#define PIXELS N
#endif

// The work-item's i-th row and the first column of its jv-th vector within the group's tile.
inline int rowOf(const int tm, const int i) {
    return STRM ? tm + i * MDIMC : tm * MWI + i;
}

inline int colOf(const int tn, const int jv) {
    return STRN ? (jv * NDIMC + tn) * VWN : tn * NWI + jv * VWN;
}

__kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1)))
void sgemm(SGEMM_ARGS) {
    const int tn = get_local_id(0);
    const int tm = get_local_id(1);
    const int tid = tm * NDIMC + tn;
    const int col0 = get_group_id(0) * NWG;
    // From the global id, which counts the launch's offset where a tall launch is cut in several (Grid.java).
    const int row0 = (get_global_id(1) - tm) / MDIMC * MWG;
    // Under FOLD_BATCH z holds the groups alone, and b is 0.
    const int b = get_global_id(2) / groups;
    const int g = get_global_id(2) % groups;

    const __global float* a = A + aOffset + g * aGroupStride;
    const __global float* bg = OPERAND_AT(B, b, b, g);
#ifdef FOLD_BATCH
    __local long bAt[NWG];
    __local long cAt[NWG];
#endif
#ifdef IMPLICIT
    __local coord ih0[NWG];
    __local coord iw0[NWG];
#endif
#if defined(FOLD_BATCH) || defined(IMPLICIT)
    for (int e = tid; e < NWG; e += THREADS) {
        const int col = col0 + e;
#ifdef FOLD_BATCH
        // Past N, pixel P lies past the end of every image.
        const int image = col / P;
        const int pixel = col < N ? col - image * P : P;
        bAt[e] = col < N ? image * bBatchStride + B_PIXEL(pixel) : -1;
        cAt[e] = image * cBatchStride + pixel;
#else
        const int pixel = col;
#endif
#ifdef IMPLICIT
        coord h, w;
        windowOrigin(pixel, PIXELS, OW, SH, SW, PH, PW, &h, &w);
        ih0[e] = h;
        iw0[e] = w;
#endif
    }
    barrier(CLK_LOCAL_MEM_FENCE);
#endif
#if defined(IMPLICIT) && defined(FOLD_BATCH)
    const Source src = {bg, K, H, W, KH, KW, DH, DW, ih0, iw0, bAt};
#elif defined(IMPLICIT)
    const Source src = {bg, K, H, W, KH, KW, DH, DW, ih0, iw0};
#elif defined(FOLD_BATCH)
    const Source src = {bg, K, N, ldb, bAt};
#else
    const Source src = {bg + col0, K, N - col0, ldb};
#endif
#if SA
    __local float Alm[MWG * ALD]; // [m][k]
#endif
#if SB
    __local float Blm[KWG * NWG]; // [k][n]
#endif

    // Blocks of about SUM_K steps of k are summed in part on their own and then added to acc: summed in one chain,
    // the rounding of K terms added one by one to a growing total left ten times PyTorch's error at K = 9 * 2048
    // (AccuracyDeviceTest), and a block of one KWG step still left three times.
    float acc[MWI][NWI];
    float part[MWI][NWI];
    for (int i = 0; i < MWI; i++) {
        for (int j = 0; j < NWI; j++) {
            acc[i][j] = 0.0f;
            part[i][j] = 0.0f;
        }
    }

    for (int k0 = 0; k0 < K; k0 += KWG) {
#if SA
        // Consecutive work-items take consecutive vectors of a row of A, which lie side by side in memory.
        for (int m = tid / KDIMA; m < MWG; m += MDIMA) {
            for (int kv = tid % KDIMA; kv < KWG / VWM; kv += KDIMA) {
                float v[VWM];
                readA(a, M, K, row0 + m, k0 + kv * VWM, v);
                for (int e = 0; e < VWM; e++) {
                    Alm[m * ALD + kv * VWM + e] = v[e];
                }
            }
        }
#endif
#if SB
        for (int k = tid / NDIMB; k < KWG; k += KDIMB) {
            const RowB row = rowB(&src, k0 + k);
            for (int nv = tid % NDIMB; nv < NWG / VWN; nv += NDIMB) {
                float v[VWN];
                readB(&src, &row, nv * VWN, v);
                for (int e = 0; e < VWN; e++) {
                    Blm[k * NWG + nv * VWN + e] = v[e];
                }
            }
        }
#endif
#if SA || SB
        barrier(CLK_LOCAL_MEM_FENCE);
#endif
        for (int kk = 0; kk < KWG; kk += VWM) {
            // VWM steps of k at a time, the width A is read from global memory in.
            float av[MWI][VWM];
            for (int i = 0; i < MWI; i++) {
#if SA
                for (int e = 0; e < VWM; e++) {
                    av[i][e] = Alm[rowOf(tm, i) * ALD + kk + e];
                }
#else
                readA(a, M, K, row0 + rowOf(tm, i), k0 + kk, av[i]);
#endif
            }
            for (int e = 0; e < VWM; e++) {
                float bv[NWI];
#if !SB
                const RowB row = rowB(&src, k0 + kk + e);
#endif
                for (int jv = 0; jv < NWI / VWN; jv++) {
#if SB
                    for (int f = 0; f < VWN; f++) {
                        bv[jv * VWN + f] = Blm[(kk + e) * NWG + colOf(tn, jv) + f];
                    }
#else
                    readB(&src, &row, colOf(tn, jv), bv + jv * VWN);
#endif
                }
                for (int i = 0; i < MWI; i++) {
                    for (int j = 0; j < NWI; j++) {
                        part[i][j] = fma(av[i][e], bv[j], part[i][j]);
                    }
                }
            }
        }
        if ((k0 / KWG + 1) % SUM_STEPS == 0 || k0 + KWG >= K) {
            for (int i = 0; i < MWI; i++) {
                for (int j = 0; j < NWI; j++) {
                    acc[i][j] += part[i][j];
                    part[i][j] = 0.0f;
                }
            }
        }
#if SA || SB
        // The next step overwrites the tiles other work-items may still be reading.
        barrier(CLK_LOCAL_MEM_FENCE);
#endif
    }

    __global float* c = OPERAND_AT(C, c, b, g);
    const __global float* r = residual + (c - C);
    for (int i = 0; i < MWI; i++) {
        const int row = row0 + rowOf(tm, i);
        if (row >= M) {
            continue;
        }
        const float rowBias = hasBias ? bias[g * M + row] : 0.0f;
        __global float* crow = c + (long) row * ldc;
        for (int jv = 0; jv < NWI / VWN; jv++) {
            const int col = col0 + colOf(tn, jv);
            const long at = C_AT(colOf(tn, jv), col);
            float out[VWN];
            // Columns past N read no residual: it ends with the output.
            for (int f = 0; f < VWN; f++) {
                out[f] = col + f < N ? epilogue(acc[i][jv * VWN + f] + rowBias, addResidual,
                                                r + (long) row * ldc + at + f, actKind, actA, actB) : 0.0f;
            }
            if (col + VWN <= N) {
                *(__global floatN*) (crow + at) = privateToN(out);
            } else {
                for (int f = 0; f < VWN && col + f < N; f++) {
                    crow[at + f] = out[f];
                }
            }
        }
    }
}
