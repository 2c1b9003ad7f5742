// conv2d without a column matrix, its output channels in the vector lanes, for CPUs:
//   y[n, k, oh, ow] = bias[k] + sum over ci < C/G, i, j of
//                     xp[n, g*C/G + ci, oh*SH + i*DH, ow*SW + j*DW] * w[k, ci, i, j],  g = k / (K/G)
// then epilogue.cl's residual and activation, where xp is the input with its padding written out (lanes_pad), or the
// input itself where no tap it reads is on the padding.
// A work-item computes KV*VW output channels of one group (the lanes of KV vectors) at PB neighbouring output pixels
// of one row: per tap it loads KV vectors of weights and PB input pixels, each broadcast to all lanes, and does
// KV*PB multiply-adds into independent accumulators. The direct kernel vectorises over pixels instead and reads one
// weight per plane and tap; with few filters over many taps (5x5 on 192 channels, wide windows on one channel) that
// leaves its multiply-adds waiting on loads. The padding written out leaves the inner loops without a bound check.

#ifndef VW
#define VW 16 // floats per vector
#endif
#ifndef KV
#define KV 2 // weight vectors per work-item: KV*VW output channels
#endif
#ifndef PB
#define PB 8 // output pixels per work-item, all of one row
#endif
#ifndef SUM_TAPS
#define SUM_TAPS 128 // about how many taps are summed on their own before they join the total
#endif
#ifndef LOCAL_X
#define LOCAL_X 1 // work-items per group
#endif
#ifndef TILES
#define TILES 1 // neighbouring tiles of one image per work-item
#endif
// A work-item of several tiles takes each block of channels for all of them before the next block, so the block's
// filters, read from L2 or memory for its first tile, come from L1 for the others; the tiles' totals wait in memory.
// For layers whose filters outgrow L1 and whose tiles' pixels are too few to use each filter read often.
#define KB (KV * VW)

// The pixels are read through a volatile pointer, so that each stays one broadcast load: otherwise LLVM merges the
// PB contiguous loads at stride 1 into vector loads, shuffles and spills, which took 1.5-1.6x the time (POCL 3.1,
// AVX-512). PIXEL_STRIDE, the stride along the width built in (the host sets it), gives those loads constant offsets
// from one address rather than a chain of additions of the argument SW.
#ifdef PIXEL_STRIDE
#define PIXEL_STEP PIXEL_STRIDE
#else
#define PIXEL_STEP SW
#endif
#ifndef COLUMN_DILATION
#define COLUMN_DILATION 1 // the dilation along the width, built in by the host for the same constant offsets
#endif

// FIXED_KW, the window's width built in (the host sets it where the unrolled row of taps stays small), unrolls the
// taps of a window row: their loop's counting and the multiplication of its index by the dilation go.
#ifdef FIXED_KW
#define ROW_TAPS FIXED_KW
#define ROW_TAP_LOOP _Pragma("unroll") for
#else
#define ROW_TAPS KW
#define ROW_TAP_LOOP for
#endif

// The first output pixel of the tile at place in its row of OW: the last tile ends at the row's end, overlapping the
// one before it where PB does not divide OW (the host keeps PB <= OW), so that no window reaches past the row and an
// unpadded input is read as it is (a 1x1 layer on rows of 256 with tiles of 14) rather than copied out first.
#define TILE_PIXEL0(place, OW) min((place) * PB, (OW) - PB)

// ROW_TILES, the tiles of an output row built in (the host sets it, with PAD_LEFT, IN_COLUMNS and OUT_COLUMNS, where
// the row has few tiles and the taps are unrolled), makes each tile's place in its row a constant: a tile's pixel
// whose tap reads the left or right padding then has no multiply-add for that tap at all. Over a 7x7 image a 5x5
// window's taps are 69% inside the input, 83% per side.
#ifdef ROW_TILES
#define READS_INPUT(pixel0, p, j) \
    ((long) ((pixel0) + (p)) * PIXEL_STEP + (long) (j) * COLUMN_DILATION >= PAD_LEFT \
     && (long) ((pixel0) + (p)) * PIXEL_STEP + (long) (j) * COLUMN_DILATION < (long) PAD_LEFT + IN_COLUMNS)
// Runs call with pixel0, the first pixel of the tile'th tile within its row, a constant in each copy.
#define AT_ROW_PLACE(tile, tilesW, call) \
    { \
        const int place_ = (tile) % (tilesW); \
        _Pragma("unroll") for (int t_ = 0; t_ < ROW_TILES; t_++) { \
            if (place_ == t_) { \
                const int pixel0 = TILE_PIXEL0(t_, OUT_COLUMNS); \
                call; \
            } \
        } \
    }
// Built with the places, the kernel reads the input itself, whose first row and column are the padded input's PH
// and PAD_LEFT: no tap it reads is on the padding, so none needs it written out. A tap's column from the tile's
// first is then a constant, 64-bit for a padding and stride that take it past 2^31.
#define XP_ROW0 PH
#define XP_COLUMN0 PAD_LEFT
#define PIXEL_COLUMN(p, j) ((long) (p) * PIXEL_STEP + (long) (j) * COLUMN_DILATION)
#else
#define READS_INPUT(pixel0, p, j) 1
#define XP_ROW0 0
#define XP_COLUMN0 0
#define PIXEL_COLUMN(p, j) ((p) * PIXEL_STEP + (j) * COLUMN_DILATION)
#define AT_ROW_PLACE(tile, tilesW, call) \
    { \
        const int pixel0 = 0; \
        call; \
    }
#endif

// wt[g, b, ci, i, j, l] = w[g*Kg + b*lanes + l, ci, i, j] where b*lanes + l < Kg, else 0, for the Kpad/lanes blocks b
// of lanes output channels, a work-item's: its filters are one stream, a tap's weights KV vectors at a constant
// offset from the last tap's. Laid out tap by tap for all of Kpad, their loads took offsets in a register and the
// addresses' arithmetic spilled the sums with AVX2 (the stem 1.18x the time, the speech layer 1.16x, 5x5 on 480
// channels 1.11x; pyopencl, interleaved, Zen 3). NDRange: (Kpad rounded up, G*taps), taps = Cg*KH*KW.
__kernel void lanes_weights(const __global float* restrict w, __global float* restrict wt, const int Kg,
                            const int taps, const int Kpad, const int lanes) {
    const int k = get_global_id(0);
    const long gt = get_global_id(1);
    if (k < Kpad) {
        const long g = gt / taps, t = gt % taps;
        wt[((g * (Kpad / lanes) + k / lanes) * taps + t) * lanes + k % lanes] =
            k < Kg ? w[(g * Kg + k) * taps + t] : 0.0f;
    }
}

// wg[g, t, k] = the sum over ci < C/G of 0 * w[g*Kg + k, ci, t] for tap t < KH*KW and k < Kg, 0 for Kg <= k < Kpad:
// what tap t adds where it reads only padding, 0 unless a weight there is infinite or NaN (then NaN, as in PyTorch,
// whose 0 * inf is NaN). The conv kernel adds it for the taps it skips. wg starts wgAt floats into wt, after the
// laid-out filters. NDRange: (Kpad rounded up, G*KH*KW).
__kernel void lanes_padding_weights(const __global float* restrict w, __global float* restrict wt, const long wgAt,
                                    const int Kg, const int Cg, const int window, const int Kpad) {
    const int k = get_global_id(0);
    const long gt = get_global_id(1);
    if (k >= Kpad) {
        return;
    }
    float sum = 0.0f;
    if (k < Kg) {
        const __global float* wk = w + (gt / window * Kg + k) * Cg * window + gt % window;
        for (int ci = 0; ci < Cg; ci++) {
            sum += 0.0f * wk[(long) ci * window];
        }
    }
    wt[wgAt + gt * Kpad + k] = sum;
}

// xp[n, c, r, q] = x[n, c, r - PH, q - PW], 0 outside x, for the images of a chunk from xAt on, a row per
// work-item. NDRange: (HP rounded up, images*C).
__kernel void lanes_pad(const __global float* restrict x, const long xAt, __global float* restrict xp, const int H,
                        const int W, const int PH, const int PW, const int HP, const int WP) {
    const int r = get_global_id(0);
    if (r >= HP) {
        return;
    }
    const long plane = get_global_id(1);
    __global float* to = xp + (plane * HP + r) * WP;
    const int ih = r - PH;
    const bool inside = ih >= 0 && ih < H;
    const int from = inside ? min(PW, WP) : WP, until = inside ? min(PW + W, WP) : WP;
    for (int q = 0; q < from; q++) {
        to[q] = 0.0f;
    }
    const __global float* row = x + xAt + (plane * H + ih) * W - PW;
    for (int q = from; q < until; q++) {
        to[q] = row[q];
    }
    for (int q = until; q < WP; q++) {
        to[q] = 0.0f;
    }
}

// Adds channels [c0, c1) of a work-item's window to acc[pixel][weight vector]: per tap, one outer-product step of
// the PB pixels, broadcast, by the KV vectors of the tap's weights. xr is the work-item's first input pixel in
// channel 0 (where xp is the input itself, a place on the padding before the input's row: no tap reads there), wk
// its block's first weight vector, pixel0 the tile's first pixel in its row. Only the window rows [i0, i1) reach
// the input; the others lie on the padding for every pixel of the tile (a 5x5 window's top two rows over a 7x7
// image's first output row), and so do the taps that READS_INPUT leaves out: paddingTaps adds what they would.
// Inlined so that acc stays in registers.
__attribute__((always_inline)) inline void laneTaps(floatV acc[PB][KV], const __global float* xr,
                                                    const __global float* wk, const int c0, const int c1,
                                                    const int i0, const int i1, const int pixel0, const long planeP,
                                                    const int WP, const int KH, const int KW, const int SW,
                                                    const int DH) {
    for (int c = c0; c < c1; c++) {
        for (int i = i0; i < i1; i++) {
            const __global float* xi = xr + c * planeP + (long) i * DH * WP;
            const __global float* wi = wk + (long) (c * KH + i) * KW * KB;
            ROW_TAP_LOOP (int j = 0; j < ROW_TAPS; j++) {
#define PIXEL_AT(p) ((const volatile __global float*) xi)[PIXEL_COLUMN(p, j)]
#define WEIGHTS_AT(kv) vloadV(0, wi + j * KB + (kv) * VW)
#define TAP_READS_INPUT(p) READS_INPUT(pixel0, p, j)
                OUTER_PRODUCT_STEP_WHERE(acc, PB, KV, PIXEL_AT, WEIGHTS_AT, TAP_READS_INPUT)
#undef PIXEL_AT
#undef WEIGHTS_AT
#undef TAP_READS_INPUT
            }
        }
    }
}

// Adds to a tile's totals what the taps it skipped would have: for each, wg's sum over its group's channels of 0 * w
// (0, or NaN). wg is the tile's first guard vector, of tap 0.
__attribute__((always_inline)) inline void paddingTaps(floatV total[PB][KV], const __global float* wg, const int i0,
                                                       const int i1, const int pixel0, const int KH, const int KW,
                                                       const int Kpad) {
    for (int i = 0; i < KH; i++) {
        const bool rowSkipped = i < i0 || i >= i1;
#ifndef ROW_TILES
        if (!rowSkipped) {
            continue; // every tap of the row read the input
        }
#endif
        ROW_TAP_LOOP (int j = 0; j < ROW_TAPS; j++) {
#pragma unroll
            for (int p = 0; p < PB; p++) {
                if (rowSkipped || !READS_INPUT(pixel0, p, j)) {
#pragma unroll
                    for (int kv = 0; kv < KV; kv++) {
                        total[p][kv] += vloadV(0, wg + (long) (i * KW + j) * Kpad + kv * VW);
                    }
                }
            }
        }
    }
}

// Stores lanes [0, n) of each of the VW/R runs of R lanes of v through the epilogue, run j at y + j*outPlane, whose
// residual is at r + j*outPlane: the epilogue on the whole vector, then each run by vectors of 16, 8, 4 and 2 floats
// and a last float. R and n are constants where this is inlined, so the pieces are fixed.
__attribute__((always_inline)) inline void storeRuns(floatV v, const int R, const int n, __global float* y,
                                                     const __global float* r, const long outPlane, const int add,
                                                     const int kind, const float actA, const float actB) {
    if (add) {
        float residual[VW];
        vstoreV((floatV) 0.0f, 0, residual);
        for (int l = 0; l < VW; l++) {
            if (l % R < n) {
                residual[l] = r[l / R * outPlane + l % R];
            }
        }
        v += vloadV(0, residual);
    }
    float runs[VW];
    vstoreV(ACTIVATE(v, kind, actA, actB), 0, runs);
#pragma unroll
    for (int j = 0; j < VW / R; j++) {
        __global float* to = y + j * outPlane;
        const float* run = runs + j * R;
        int p = 0;
#define STORE_PIECE(k) \
    { \
        vstore##k(vload##k(0, run + p), 0, to + p); \
        p += k; \
    }
        if (p + 16 <= n) STORE_PIECE(16)
        if (p + 8 <= n) STORE_PIECE(8)
        if (p + 4 <= n) STORE_PIECE(4)
        if (p + 2 <= n) STORE_PIECE(2)
#undef STORE_PIECE
        if (p < n) {
            to[p] = run[p];
        }
    }
}

// Stores n pixels of a work-item's tile from pixel p0 on, plus the bias b, as a run of R (the least power of two of
// at least n, at most VW) by VW channels transposed in registers (TRANSPOSE_RUNS), so that each channel's pixels are
// stored by vectors rather than float by float into KB planes; rows from n on are zeros.
#define STORE_RUN(R, n) \
    { \
        floatV m[R]; \
        _Pragma("unroll") for (int r_ = 0; r_ < (R); r_++) m[r_] = r_ < (n) ? total[p0 + r_][kv] + b : (floatV) 0.0f; \
        TRANSPOSE_RUNS(m, R); \
        _Pragma("unroll") for (int q_ = 0; q_ < (R); q_++) { \
            const long o = o0 + (kv * VW + q_ * (VW / (R))) * outPlane + p0; \
            storeRuns(m[q_], R, n, y + o, residual + o, outPlane, add, kind, actA, actB); \
        } \
    }

// Stores a work-item's whole tile, plus its bias (none where null), through the epilogue at y (N, K, OH, OW) from o0,
// its first channel's first pixel: runs of VW pixels, then the rest as one run of the least power of two that holds
// it, whose transpose takes fewer shuffles than one of VW rows padded with zeros (8 rows of 16 lanes: 24 rather than
// 64), the channels' pixels still stored by vectors from one address per channel.
__attribute__((always_inline)) inline void storeTile(floatV total[PB][KV], const __global float* bias,
                                                     __global float* y, const long o0, const long outPlane,
                                                     const __global float* residual, const int add, const int kind,
                                                     const float actA, const float actB) {
    const int rest = PB % VW, restRun = rest > 8 ? 16 : rest > 4 ? 8 : rest > 2 ? 4 : rest;
#pragma unroll
    for (int kv = 0; kv < KV; kv++) {
        const floatV b = bias ? vloadV(kv, bias) : (floatV) 0.0f;
        int p0 = 0;
        for (; p0 + VW <= PB; p0 += VW) {
            STORE_RUN(VW, VW)
        }
        if (restRun == 16) STORE_RUN(16, rest)
        if (restRun == 8) STORE_RUN(8, rest)
        if (restRun == 4) STORE_RUN(4, rest)
        if (restRun == 2) STORE_RUN(2, rest)
        if (restRun == 1) STORE_RUN(1, rest)
    }
}
#undef STORE_RUN

// Stores the tile'th tile of output channels [g*Kg + k0, +KB) of image n, plus its bias (none where null), through the
// epilogue; float by float a tile cut by the group's last channel. A row's last tile stores again the pixels it shares
// with the one before: the same fma()s of the same taps in the same order give the same sums, and y is the call's own
// output, never its residual, so both write the same values (storing only the rest took 1.04x the time on the stem
// built for AVX2, the kernel alone). No restrict pointers: inlined, they leave LLVM's scope declarations, which
// Oclgrind cannot run.
__attribute__((always_inline)) inline void storeLanes(floatV total[PB][KV], const int tile, const int n, const int g,
                                                      const int k0, const __global float* bias, __global float* y,
                                                      const long yAt, const int K, const int Kg, const int OH,
                                                      const int OW, const __global float* residual,
                                                      const int addResidual, const int actKind, const float actA,
                                                      const float actB) {
    const int tilesW = (OW + PB - 1) / PB;
    const int oh = tile / tilesW, ow0 = TILE_PIXEL0(tile % tilesW, OW);
    const long outPlane = (long) OH * OW;
    const long o0 = yAt + ((long) n * K + (long) g * Kg + k0) * outPlane + (long) oh * OW + ow0;
    const int lanes = min(KB, Kg - k0);
    if (lanes == KB) {
        storeTile(total, bias, y, o0, outPlane, residual, addResidual, actKind, actA, actB);
        return;
    }
    float sums[KV][PB][VW];
#pragma unroll
    for (int kv = 0; kv < KV; kv++) {
#pragma unroll
        for (int p = 0; p < PB; p++) {
            vstoreV(total[p][kv], 0, sums[kv][p]);
        }
    }
    for (int l = 0; l < lanes; l++) {
        const float b = bias ? bias[l] : 0.0f;
        const long o = o0 + l * outPlane;
        for (int p = 0; p < PB; p++) {
            y[o + p] = epilogue(sums[l / VW][p][l % VW] + b, addResidual, residual + o + p, actKind, actA, actB);
        }
    }
}

// The window rows [i0, i1) of a tile whose first input row is r0 that read the input, rows [PH, PH + H) of xp.
__attribute__((always_inline)) inline int2 inputRows(const long r0, const int PH, const int H, const int KH,
                                                     const int DH) {
    const long top = (long) PH - r0, bottom = top + H;
    const int i0 = (int) clamp((top + DH - 1) / DH, 0L, (long) KH);
    return (int2) (i0, (int) clamp((bottom + DH - 1) / DH, (long) i0, (long) KH));
}

// xp holds the chunk's images in planes of HP by WP, the input's rows from PH on, or is the input itself with the
// whole batch where no tap needs the padding written out (built with ROW_TILES, or without padding); their output
// starts yAt floats into y (and residual). wt holds the filters laid out by lanes_weights, then
// lanes_padding_weights' sums. NDRange: (ceil(ceil(OW/PB) * OH / TILES) rounded up to LOCAL_X, Kpad/KB * G, images),
// or with imagesInner (images, Kpad/KB * G) as its last two: work-groups run in order of their ids, and whichever of
// the images' inputs and the filters is the larger is better read once, the smaller cycled through.
__kernel __attribute__((reqd_work_group_size(LOCAL_X, 1, 1)))
void lanes_conv(const __global float* restrict xp, const __global float* restrict wt,
                const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS, __global float* restrict y,
                const long yAt, const int C, const int K, const int G, const int HP, const int WP, const int PH,
                const int H, const int KH, const int KW, const int SH, const int SW, const int DH, const int OH,
                const int OW, const int Kpad, const int imagesInner) {
    const int tilesW = (OW + PB - 1) / PB, tiles = tilesW * OH;
    const int tile0 = get_global_id(0) * TILES;
    if (tile0 >= tiles) {
        return;
    }
    const int count = TILES == 1 ? 1 : min(TILES, tiles - tile0);
    const int Kg = K / G, Cg = C / G;
    const int kBlocks = Kpad / KB;
    // Arithmetic rather than a choice of ids: POCL 3.1 left a select between the ids unresolved (_group_id_z).
    const int id1 = get_global_id(1), id2 = get_global_id(2), swap = imagesInner != 0;
    const int block = id1 + swap * (id2 - id1);
    const int g = block / kBlocks;
    const int k0 = block % kBlocks * KB;
    const int n = id2 - swap * (id2 - id1);
    const long planeP = (long) HP * WP;
    const __global float* xn = xp + ((long) n * C + (long) g * Cg) * planeP;
    const __global float* wk = wt + (long) block * Cg * KH * KW * KB;
    const __global float* wg = wt + ((long) G * Cg + g) * KH * KW * Kpad + k0;
    // Blocks of channels are summed on their own and then added to the total, as direct_conv2d.cl does: one chain
    // of C*KH*KW terms loses accuracy as the total grows. The total is touched once a block, so it may live in memory.
    const int blockChannels = max(1, SUM_TAPS / (KH * KW));
    floatV total[TILES][PB][KV];
    for (int t = 0; t < count; t++) {
        BLOCK_SET(total[t], PB, KV, (floatV) 0.0f);
    }
    for (int c0 = 0; c0 < Cg; c0 += blockChannels) {
        for (int t = 0; t < count; t++) {
            const int tile = tile0 + t;
            const long r0 = (long) (tile / tilesW) * SH;
            const __global float* xr = xn + (r0 - XP_ROW0) * WP + (long) TILE_PIXEL0(tile % tilesW, OW) * SW
                                       - XP_COLUMN0;
            const int2 rows = inputRows(r0, PH, H, KH, DH);
            floatV acc[PB][KV];
            BLOCK_SET(acc, PB, KV, (floatV) 0.0f);
            AT_ROW_PLACE(tile, tilesW, laneTaps(acc, xr, wk, c0, min(Cg, c0 + blockChannels), rows.x, rows.y,
                                                pixel0, planeP, WP, KH, KW, SW, DH))
            BLOCK_ADD(total[t], acc, PB, KV);
        }
    }
    for (int t = 0; t < count; t++) {
        const int tile = tile0 + t;
        const int2 rows = inputRows((long) (tile / tilesW) * SH, PH, H, KH, DH);
        AT_ROW_PLACE(tile, tilesW, paddingTaps(total[t], wg, rows.x, rows.y, pixel0, KH, KW, Kpad))
        storeLanes(total[t], tile, n, g, k0, hasBias ? bias + g * Kg + k0 : 0, y, yAt, K, Kg, OH, OW, residual,
                   addResidual, actKind, actA, actB);
    }
}
