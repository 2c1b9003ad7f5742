// Batched, grouped SGEMM with bias epilogue, for CPU devices; same arguments and result as sgemm.cl:
//   C[b][g] (M x N, row stride ldc) = A[g] (M x K, row-major) * B[b][g] (K x N, row stride ldb) + bias[g*M + row]
// then epilogue.cl's residual and activation, the residual laid out like C.
// CPU OpenCL runs a work-group's work-items one after another on one core, so local tiles only add copies and
// barriers. Here each work-item keeps a WPTM x (WPTN*VW) block of C in vector registers and reads A and B straight
// from global memory: per k, WPTN vector loads of a B row and WPTM broadcasts of A.
// The barrier after every KC steps of k makes the runtime sweep the whole work-group over one KC slice of A and B
// before moving on, so that slice is reused from cache by every work-item of the group.
// NDRange: (ceil(N/(WPTN*VW)) rounded up to LOCAL_N, ceil(M/WPTM) rounded up to LOCAL_M, batch*groups), or groups
// alone under FOLD_BATCH. Rows past M read row M-1 and are not stored; columns past N take a guarded path, so any
// M, N, K work.
//
// With FOLD_BATCH (and PACKED) defined, the batch is folded into N, so that small images fill whole panels rather
// than leave most of each image's last one empty: column j is column j % P of entry j / P (P, an entry's columns,
// is the last argument) and N counts the whole batch's columns. pack gathers the folded columns into its panels, so
// the product reads them as any others; only the stores, and the residual's reads, unfold.
//
// With IMPLICIT defined, B is not read from memory but gathered from NCHW images while the panel is built
// (implicit GEMM for conv2d): B points at x, bBatchStride and bGroupStride step images and channel groups, ldb is
// unused, and the conv geometry follows as extra arguments. B is the column matrix im2col would write, read where
// conv_gather.cl says it lies, so no im2col pass and no column buffer are needed.

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

#if defined(FOLD_BATCH) && (!defined(PACKED) || defined(IMPLICIT))
#error "FOLD_BATCH folds packed panels: build it with PACKED, without IMPLICIT"
#endif

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

#ifdef FOLD_BATCH
// The n valid folded columns from j0 of a row at row (entry 0's; entries batchStride apart), lanes past them 0: one
// vector load where they are VW columns of one entry, else lane by lane, stepping the entry and column rather than
// dividing per lane (a division per lane took longer than the products of ResNet-50's 1x1 layer on 7x7 images).
inline floatV loadFolded(const __global float* row, const long batchStride, const int P, const int j0, const int n) {
    int entry = j0 / P;
    int col = j0 % P;
    if (n == VW && col + VW <= P) {
        return vloadV(0, row + entry * batchStride + col);
    }
    // Across one entry's end: the first P - col lanes from this entry, the rest from the next one's first columns,
    // as two loads. Both stay in the buffer: all VW columns are valid, so the next entry exists, and the first load
    // runs on into this entry's next row or the next entry, the second starts in this entry's rows.
    if (n == VW && VW <= P) {
        const int split = P - col;
        const floatV here = vloadV(0, row + entry * batchStride + col);
        const floatV next = vloadV(0, row + (entry + 1) * batchStride - split);
        return select(next, here, laneIndices() < split);
    }
    float lanes[VW];
    for (int e = 0; e < VW; e++) {
        lanes[e] = e < n ? row[entry * batchStride + col] : 0.0f;
        entry += ++col == P;
        col = col == P ? 0 : col;
    }
    return vloadV(0, lanes);
}

// Stores the first n lanes of v at folded columns j0... of a row at row (entry 0's), as loadFolded reads them.
inline void storeFolded(const floatV v, __global float* row, const long batchStride, const int P, const int j0,
                        const int n) {
    int entry = j0 / P;
    int col = j0 % P;
    if (n == VW && col + VW <= P) {
        vstoreV(v, 0, row + entry * batchStride + col);
        return;
    }
    float lanes[VW];
    vstoreV(v, 0, lanes);
    for (int e = 0; e < n; e++) {
        row[entry * batchStride + col] = lanes[e];
        entry += ++col == P;
        col = col == P ? 0 : col;
    }
}
#endif

#define PANEL (LOCAL_N * WIDTH) // columns of B a work-group uses
#define PANEL_VECS (PANEL / VW)
#define THREADS (LOCAL_N * LOCAL_M)

#ifdef IMPLICIT
// conv_gather.cl's coordinates as vectors of VW lanes.
#ifdef WIDE_WINDOW
#define coordV CAT(long, VW)
#else
#define coordV CAT(int, VW)
#endif

#ifdef TAP_TABLE
#if !defined(TWO_RUNS) || defined(WIDE_WINDOW)
#error "TAP_TABLE tabulates the two-run gather, which TWO_RUNS without WIDE_WINDOW builds"
#endif
// With TAP_TABLE (the most window taps it holds; the host sets it where each tap is gathered from many channels), a
// group whose window has at most that many taps first tabulates, per window tap and panel vector, where the vector's pixels lie: the same in every channel,
// so that each gathered row then costs a table look-up and one or two loads rather than its bounds checks. At most
// two runs, each one load (contiguous at stride 1, the even lanes of a double-width load at stride 2) from `at`
// floats into the channel's plane, of which lanes [lo, hi) are kept and the rest are 0 (the lanes of a run inside
// the image are contiguous, since its columns grow with its lanes). gather: a run would leave the plane, or the
// vector spans more than two output rows, and gatherB loads it lane by lane.
typedef struct {
    int at[2];
    uchar lo[2], hi[2];
    bool gather;
} TapRuns;
#endif

// Where the group's B comes from: one image's channel group at x, the conv geometry, and per panel column the
// first input row and column its output pixel reads (far outside the image for columns past N), shared by the group.
typedef struct {
    const __global float* x;
    int H, W, KH, KW, SW, DH, DW;
    const __local coord* ih0;
    const __local coord* iw0;
    bool oneRow[PANEL_VECS]; // all VW columns of the panel vector valid and in one output row
#ifdef TAP_TABLE
    const __local TapRuns* taps; // per window tap, the runs of each panel vector; 0 where the window has more taps
#endif
} Source;

// The VW pixels of panel vector q for B's row (c, i, j) that fillPanel does not load as one vector: a vector inside
// one input row is an unchecked gather; the rest check every lane.
inline floatV gatherB(const Source* s, const int q, const int c, const int i, const int j) {
    const __global float* xc = s->x + (long) c * s->H * s->W;
    const coordV ih = vloadV(q, s->ih0) + (coord) i * s->DH;
    const coordV iw = vloadV(q, s->iw0) + (coord) j * s->DW;
    float lanes[VW];
    if (s->oneRow[q] && ih.s0 >= 0 && ih.s0 < s->H && iw.s0 >= 0 && iw.s0 + (coord) (VW - 1) * s->SW < s->W) {
        const __global float* xr = xc + ih.s0 * s->W + iw.s0;
        for (int e = 0; e < VW; e++) {
            lanes[e] = xr[e * s->SW];
        }
        return vloadV(0, lanes);
    }
    const coordV inside = (ih >= 0) & (ih < s->H) & (iw >= 0) & (iw < s->W);
    coord at[VW];
    coord ok[VW];
    // Masked first: a lane past N has an ih far enough out that ih * W would overflow.
    vstoreV(select((coordV) 0, ih, inside) * s->W + select((coordV) 0, iw, inside), 0, at);
    vstoreV(inside, 0, ok);
    for (int e = 0; e < VW; e++) {
        lanes[e] = ok[e] ? xc[at[e]] : 0.0f;
    }
    return vloadV(0, lanes);
}

// At stride 1 or 2 along the width (TWO_RUNS, which the host sets there: a program of its own, so that other
// strides keep the smaller gather), a panel vector across output rows or into the padding is loaded in runs.
#if defined(TWO_RUNS) && !defined(WIDE_WINDOW)
// The lanes of panel vector q in its first output row when all its columns are valid and lie in at most two output
// rows (VW where it lies in one), else 0. Kept in the caller's private array rather than in Source, which lives
// across the group's barriers.
inline int firstRowLanes(const Source* s, const int q) {
    const coord first = s->ih0[q * VW];
    const coord last = s->ih0[q * VW + VW - 1];
    int split = VW;
    for (int e = VW - 1; e > 0; e--) {
        split = s->ih0[q * VW + e] == first ? split : e;
    }
    return last != FAR_ABOVE && (split == VW || s->ih0[q * VW + split] == last) ? split : 0;
}

// The VW pixels of panel vector q for B's row at input offsets (di, dj) from the window origins, as at most two
// loads, one per output row the vector spans (contiguous at stride 1, the even lanes of a double-width load at
// stride 2), with the lanes in the zero padding set to 0; false where a load would leave the channel's plane, for
// gatherB to take. Without it, a vector spanning two output rows (OW not a multiple of VW) or touching the padding
// left or right takes gatherB's lane-by-lane path.
inline bool twoRuns(const Source* s, const int q, const int split, const __global float* xc, const coord di,
                    const coord dj, floatV* v) {
    const intV lane = laneIndices();
    const long plane = (long) s->H * s->W;
    floatV out = (floatV) 0.0f;
    // Lanes [0, split) lie in the first output row, [split, VW) in the next, whose window origins start at lane
    // split's; each run is loaded from where its lane 0 would lie, SW columns a lane.
    for (int part = 0; part < (split < VW ? 2 : 1); part++) {
        const int lane0 = part == 0 ? 0 : split;
        const coord ih = s->ih0[q * VW + lane0] + di;
        if (ih < 0 || ih >= s->H) {
            continue;
        }
        const int iw0 = s->iw0[q * VW + lane0] + dj - s->SW * lane0;
        const long at = (long) ih * s->W + iw0;
        if (at < 0 || at + s->SW * VW > plane) {
            return false;
        }
        const intV iw = (intV) iw0 + s->SW * lane;
        const intV mine = (part == 0 ? lane < split : lane >= split) & (iw >= 0) & (iw < s->W);
        out = select(out, s->SW == 1 ? vloadV(0, xc + at) : vloadEvensV(xc + at), mine);
    }
    *v = out;
    return true;
}
#endif

#ifdef TAP_TABLE
// The runs of panel vector q at window tap (i, j).
inline TapRuns tapRuns(const Source* s, const int q, const int i, const int j) {
    TapRuns r = {{0, 0}, {0, 0}, {0, 0}, false};
    const int split = firstRowLanes(s, q);
    r.gather = split == 0;
    for (int part = 0; part < (split > 0 && split < VW ? 2 : 1); part++) {
        const int lane0 = part == 0 ? 0 : split;
        const int ih = s->ih0[q * VW + lane0] + i * s->DH;
        const int iw0 = s->iw0[q * VW + lane0] + j * s->DW - s->SW * lane0;
        // Lane e reads column iw0 + SW * e: inside [0, W) from lane ceil(-iw0 / SW) up to ceil((W - iw0) / SW).
        const int lo = max(lane0, iw0 >= 0 ? 0 : (s->SW - 1 - iw0) / s->SW);
        const int hi = min(part == 0 ? split : VW, s->W - iw0 <= 0 ? 0 : (s->W - iw0 + s->SW - 1) / s->SW);
        const bool any = ih >= 0 && ih < s->H && lo < hi;
        const long at = (long) ih * s->W + iw0;
        // The table's offsets are ints: a plane of 2^31 floats or more (with 32-bit coordinates) leaves its far runs
        // to gatherB.
        r.gather |= any && (at < 0 || at + s->SW * VW > (long) s->H * s->W || at + s->SW * VW > INT_MAX);
        r.at[part] = any ? (int) at : 0;
        r.lo[part] = any ? lo : 0;
        r.hi[part] = any ? hi : 0;
    }
    return r;
}

// Lanes [lo, hi) of the run at p (SW floats a lane), the others from rest.
inline floatV runLanes(const __global float* p, const int SW, const int lo, const int hi, const floatV rest) {
    const intV lane = laneIndices();
    return select(rest, SW == 1 ? vloadV(0, p) : vloadEvensV(p), lane >= lo & lane < hi);
}

// fillPanel's rows [r0, r1) from the table.
inline void fillFromTable(const Source* s, __local float* panel, Tap t, const int r0, const int r1) {
    for (int r = r0; r < r1; r++) {
        const __global float* xc = s->x + (long) t.c * s->H * s->W;
        const __local TapRuns* runs = s->taps + (t.i * s->KW + t.j) * PANEL_VECS;
        for (int q = 0; q < PANEL_VECS; q++) {
            const TapRuns e = runs[q];
            floatV v;
            if (e.gather) {
                v = gatherB(s, q, t.c, t.i, t.j);
            } else {
                v = runLanes(xc + e.at[0], s->SW, e.lo[0], e.hi[0], (floatV) 0.0f);
                if (e.hi[1] > 0) {
                    v = runLanes(xc + e.at[1], s->SW, e.lo[1], e.hi[1], v);
                }
            }
            vstoreV(v, 0, panel + r * PANEL + q * VW);
        }
        nextTap(&t, s->KH, s->KW);
    }
}
#endif

// Copies B's rows [k0, k0 + kc) into the panel. Each work-item gathers a contiguous run of rows, so it splits a
// row index into its tap once and then steps it, instead of dividing per row.
inline void fillPanel(const Source* s, __local float* panel, const int k0, const int kc) {
    const int tid = get_local_id(1) * LOCAL_N + get_local_id(0);
    const int per = (kc + THREADS - 1) / THREADS;
    const int r0 = tid * per;
    const int r1 = min(r0 + per, kc);
    if (r0 >= r1) {
        return;
    }
#if defined(TWO_RUNS) && !defined(WIDE_WINDOW)
    int split[PANEL_VECS];
    for (int q = 0; q < PANEL_VECS; q++) {
        split[q] = firstRowLanes(s, q);
    }
#endif
    Tap t = tapOf(k0 + r0, s->KH, s->KW);
#ifdef TAP_TABLE
    if (s->taps) {
        fillFromTable(s, panel, t, r0, r1);
        return;
    }
#endif
    for (int r = r0; r < r1; r++) {
        for (int q = 0; q < PANEL_VECS; q++) {
            // The usual vector, inside one input row, is one load: at stride 1, or at stride 2 a double-width load
            // whose even lanes are kept (7x7 stride-2 stem: 33.7 -> 26.8 ms). Done here rather than in gatherB,
            // which POCL leaves a call: stem 20.2-21.0 -> 18.9-19.1 ms, MNIST-shaped 5x5 1.13-1.16 -> 1.05-1.09 ms.
            const coord ih = s->ih0[q * VW] + (coord) t.i * s->DH;
            const coord iw = s->iw0[q * VW] + (coord) t.j * s->DW;
            const bool inRow = s->oneRow[q] && ih >= 0 && ih < s->H && iw >= 0;
            // Only a row inside the image is multiplied out: a column past N has ih far above it.
            const __global float* xr = s->x + (inRow ? ((long) t.c * s->H + ih) * s->W + iw : 0);
            floatV v;
            if (inRow && s->SW == 1 && iw + VW <= s->W) {
                v = vloadV(0, xr);
            }
            else if (inRow && s->SW == 2 && iw + 2 * VW <= s->W) {
                v = vloadEvensV(xr);
            }
#if defined(TWO_RUNS) && !defined(WIDE_WINDOW)
            // A vector across two output rows or into the padding left or right: two loads at most.
            else if (!(split[q] > 0 && twoRuns(s, q, split[q], s->x + (long) t.c * s->H * s->W, (coord) t.i * s->DH,
                                               (coord) t.j * s->DW, &v))) {
                v = gatherB(s, q, t.c, t.i, t.j);
            }
#else
            else {
                v = gatherB(s, q, t.c, t.i, t.j);
            }
#endif
            vstoreV(v, 0, panel + r * PANEL + q * VW);
        }
        nextTap(&t, s->KH, s->KW);
    }
}
#else
// A hint to bring the line at p into the cache, where clang compiles for a CPU's own instructions (a prefetch never
// faults, so p may lie past the buffer's end); nothing for SPIR, which Oclgrind runs without it, or other compilers.
#if defined(__clang__) && !defined(__SPIR__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p)
#endif

// Where the group's B comes from: its columns from bg, n of them valid (all PANEL when full), rows ldb apart.
// B's rows lie ldb apart, and with ldb a multiple of a page they would all compete for the same few cache sets,
// which the contiguous panel avoids. Each row's piece of a panel lies in a page of its own, a stream the hardware
// prefetchers do not follow, so fillPanel asks for the same pieces of the next panel, which the next work-group of
// the row-group copies: B in place is read where few row-groups share it (1x1 layers of 64 to 256 filters, on 2 Zen
// 3 cores 1.13x to 1.64x faster at the median on 56x56 and 28x28 images).
typedef struct {
    const __global float* bg;
    int ldb, n;
    bool full;
} Source;

inline void fillPanel(const Source* s, __local float* panel, const int k0, const int kc) {
    const int tid = get_local_id(1) * LOCAL_N + get_local_id(0);
    for (int v = tid; v < kc * PANEL_VECS; v += THREADS) {
        const int r = v / PANEL_VECS;
        const int q = v % PANEL_VECS;
        const __global float* row = s->bg + (long) (k0 + r) * s->ldb;
        PREFETCH(row + PANEL + q * VW);
        vstoreV(loadB(row, q, s->n, s->full), 0, panel + r * PANEL + q * VW);
    }
}
#endif

// Sets acc to A (rows at arow) times B (the group's columns, from src), over k in [0, K). Each KC-step slice of B
// is first copied to a contiguous panel that every work-item of the group then reads; pack's panels are contiguous
// already and are read in place (copying them cost 10-20% more time on SGEMM 1024 and 2048). A work-item whose block
// lies wholly past M or N (a group taller or wider than C) only helps copy: it is not active.
// Each slice is summed in acc on its own and then added to the work-item's totals: summed in one chain, the
// rounding of K terms added one by one to a growing total left ten times PyTorch's error at K = 9 * 2048
// (AccuracyDeviceTest). The totals live in local memory, so that only one block of accumulators is live in the
// loop: a second block in registers spilled on AVX-512 (WPTM x WPTN = 24 vectors each) and cost about 10%.
inline void accumulate(const __global float* arow[WPTM], const Source* src, const int K, __local float* panel,
                       __local floatV* totals, const bool active) {
    floatV acc[WPTM][WPTN];
    for (int k0 = 0; k0 < K; k0 += KC) {
        const int kc = min(KC, K - k0);
#ifdef PACKED
        const __global float* mine = src->bg + (long) k0 * PANEL + get_local_id(0) * WIDTH;
#else
        const __local float* mine = panel + get_local_id(0) * WIDTH;
        fillPanel(src, panel, k0, kc);
#endif
        barrier(CLK_LOCAL_MEM_FENCE);
        BLOCK_SET(acc, WPTM, WPTN, (floatV) 0.0f);
        for (int k = 0; k < (active ? kc : 0); k++) {
#define A_AT(wm) arow[wm][k0 + k]
#define PANEL_AT(wn) vloadV(0, mine + k * PANEL + (wn) * VW)
            OUTER_PRODUCT_STEP(acc, WPTM, WPTN, A_AT, PANEL_AT)
#undef A_AT
#undef PANEL_AT
        }
#pragma unroll
        for (int wm = 0; wm < WPTM; wm++) {
#pragma unroll
            for (int wn = 0; wn < WPTN; wn++) {
                totals[wm * WPTN + wn] = k0 == 0 ? acc[wm][wn] : totals[wm * WPTN + wn] + acc[wm][wn];
            }
        }
        // The next slice overwrites the panel other work-items may still be reading.
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

__kernel __attribute__((reqd_work_group_size(LOCAL_N, LOCAL_M, 1)))
void sgemm(SGEMM_ARGS) {
    const int col0 = get_global_id(0) * WIDTH;
    const int row0 = get_global_id(1) * WPTM;
    const int b = get_global_id(2) / groups;
    const int g = get_global_id(2) % groups;
    // Work-items past the edge still reach every barrier; they read nothing out of bounds and store nothing.
    const int n = clamp(N - col0, 0, WIDTH);
    const bool active = row0 < M && n > 0;

    const __global float* a = A + aOffset + g * aGroupStride;
    const __global float* arow[WPTM];
#pragma unroll
    for (int wm = 0; wm < WPTM; wm++) {
        arow[wm] = a + (long) min(row0 + wm, M - 1) * K;
    }
    const int groupCol0 = get_group_id(0) * PANEL;
    const __global float* bb = OPERAND_AT(B, b, b, g);
#ifdef PACKED
    __local float* panel = 0; // unused: accumulate reads pack's panels in place
#else
    __local float panel[KC * PANEL];
#endif
#ifdef IMPLICIT
    // The panel's window origins, each computed by one work-item of the group: computed by every work-item, they
    // took as long as the multiply-adds of a layer with K = 25 (5x5, one channel) and wider panels were slower.
    __local coord ih0[PANEL];
    __local coord iw0[PANEL];
    for (int e = get_local_id(1) * LOCAL_N + get_local_id(0); e < PANEL; e += THREADS) {
        coord h, w;
        windowOrigin(groupCol0 + e, N, OW, SH, SW, PH, PW, &h, &w);
        ih0[e] = h;
        iw0[e] = w;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    Source src = {bb, H, W, KH, KW, SW, DH, DW, ih0, iw0};
    for (int q = 0; q < PANEL_VECS; q++) {
        const int first = groupCol0 + q * VW;
        src.oneRow[q] = first + VW <= N && first % OW + VW <= OW;
    }
#ifdef TAP_TABLE
    __local TapRuns taps[TAP_TABLE * PANEL_VECS];
    src.taps = 0;
    if (KH * KW <= TAP_TABLE) {
        for (int e = get_local_id(1) * LOCAL_N + get_local_id(0); e < KH * KW * PANEL_VECS; e += THREADS) {
            const int tap = e / PANEL_VECS;
            taps[e] = tapRuns(&src, e % PANEL_VECS, tap / KW, tap % KW);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        src.taps = taps;
    }
#endif
#endif

    __local floatV allTotals[THREADS * WPTM * WPTN];
    __local floatV* totals = allTotals + (get_local_id(1) * LOCAL_N + get_local_id(0)) * WPTM * WPTN;
#ifdef IMPLICIT
    accumulate(arow, &src, K, panel, totals, active);
#else
#ifdef PACKED
    // pack's panels: this group's is K rows of PANEL contiguous floats, zero past N, so every copy is full.
    const Source src = {bb + (long) get_group_id(0) * K * PANEL, PANEL, PANEL, true};
    accumulate(arow, &src, K, panel, totals, active);
#else
    // Decided per work-group, since every work-item of the group must reach the same barriers; a constant full
    // lets the interior groups' copy inline without per-lane checks.
    const int groupN = clamp(N - groupCol0, 0, PANEL);
    if (groupN == PANEL) {
        const Source src = {bb + groupCol0, ldb, groupN, true};
        accumulate(arow, &src, K, panel, totals, active);
    } else {
        const Source src = {bb + min(groupCol0, N), ldb, groupN, false};
        accumulate(arow, &src, K, panel, totals, active);
    }
#endif
#endif

    // Run once per block, the epilogue reads the totals from local memory in a loop over the block's rows: unrolled
    // over them too, its WPTM x WPTN copies made most of the code a CPU runtime generates for each work-group size.
#ifdef FOLD_BATCH
    // Entry 0's row: each store finds its columns' entries from it (b is 0).
    __global float* c = OPERAND_AT(C, c, 0, g);
#else
    __global float* c = OPERAND_AT(C, c, b, g) + col0;
#endif
    for (int wm = 0; wm < min(WPTM, M - row0); wm++) {
        const float bv = hasBias ? bias[g * M + row0 + wm] : 0.0f;
        __global float* crow = c + (long) (row0 + wm) * ldc;
        const __global float* rrow = residual + (crow - C);
#pragma unroll
        for (int wn = 0; wn < WPTN; wn++) {
            const floatV sum = K > 0 ? totals[wm * WPTN + wn] : (floatV) 0.0f;
#ifdef FOLD_BATCH
            const int j0 = col0 + wn * VW;
            const int valid = clamp(n - wn * VW, 0, VW);
            const floatV z = PLUS_RESIDUAL(addResidual, sum + bv, loadFolded(rrow, cBatchStride, P, j0, valid));
            storeFolded(ACTIVATE(z, actKind, actA, actB), crow, cBatchStride, P, j0, valid);
#else
            const floatV z = PLUS_RESIDUAL(addResidual, sum + bv, loadB(rrow, wn, n, n == WIDTH));
            const floatV v = ACTIVATE(z, actKind, actA, actB);
            if (n == WIDTH) {
                vstoreV(v, 0, crow + wn * VW);
            } else {
                float lanes[VW];
                vstoreV(v, 0, lanes);
                for (int e = 0; e < VW && wn * VW + e < n; e++) {
                    crow[wn * VW + e] = lanes[e];
                }
            }
#endif
        }
    }
}

#ifndef IMPLICIT
// Copies each B[b][g] (K x N, rows ldb apart) into ceil(N/PANEL) panels of K rows of PANEL contiguous floats, the
// columns past N as 0, for sgemm built with PACKED. Every row-group of work-groups then reads its panel as one
// sequential stream, where copying from B itself takes a cache and TLB miss per row and panel: on a CPU that copy
// took 40-50% of SGEMM 1024 and 2048, each row read again by every row-group.
// Under FOLD_BATCH, N counts the folded columns and the panels hold them, z the groups alone.
// NDRange: (panels, K rounded up, batch*groups), or (panels, K rounded up, groups) under FOLD_BATCH.
__kernel void pack(const int N, const int K, const int groups, OPERAND_ARGS(const __global float, B, b),
                   __global float* restrict packed FOLD_ARGS) {
    const int p = get_global_id(0);
    const int k = get_global_id(1);
    const int panels = (N + PANEL - 1) / PANEL;
    if (p >= panels || k >= K) {
        return;
    }
    const int b = get_global_id(2) / groups;
    const int g = get_global_id(2) % groups;
    __global float* out = packed + ((long) get_global_id(2) * panels + p) * K * PANEL + (long) k * PANEL;
    const int n = min(N - p * PANEL, PANEL);
#ifdef FOLD_BATCH
    const __global float* row = OPERAND_AT(B, b, 0, g) + (long) k * ldb;
    for (int q = 0; q < PANEL_VECS; q++) {
        const int j0 = p * PANEL + q * VW;
        vstoreV(loadFolded(row, bBatchStride, P, j0, clamp(n - q * VW, 0, VW)), 0, out + q * VW);
    }
#else
    const __global float* row = OPERAND_AT(B, b, b, g) + (long) k * ldb + p * PANEL;
    for (int q = 0; q < PANEL_VECS; q++) {
        vstoreV(loadB(row, q, n, n == PANEL), 0, out + q * VW);
    }
#endif
}
#endif
