// Winograd convolution F(TILE x TILE, WINDOW x WINDOW) for 3x3 kernels (and, fused, 5x5), stride 1, dilation 1, one
// group (Lavin and Gray, 2015).
// Each output tile of TILE x TILE pixels comes from an ALPHA x ALPHA input tile d: y = A^T [(G g G^T) . (B^T d B)] A.
// The elementwise product summed over channels is ALPHA^2 independent GEMMs, which the host runs with the SGEMM:
//   M[xi] (K x T) = U[xi] (K x C) * V[xi] (C x T),  xi < ALPHA^2,  T = tiles of the chunk, images folded in.
// Layouts, all row-major: U (ALPHA^2, K, C), V (ALPHA^2, C, T), M (ALPHA^2, K, T), where V's and M's positions
// start positionStride floats apart (the host leaves a gap after each matrix). Tile t of a chunk of output rows
// [oh0, oh0 + rows) of consecutive images is (image, tile row, tile column) in that order, TW tiles per row.
// NDRange of each kernel: its work-item count rounded up to LOCAL_SIZE; the tail is guarded.

#ifndef TILE
#define TILE 2 // output pixels per tile side: 2 for F(2x2,3x3) and F(2x2,5x5), 4 for F(4x4,3x3)
#endif
#ifndef WINDOW
#define WINDOW 3 // the filters' side: 3, or 5 with TILE 2
#endif
#define ALPHA (TILE + WINDOW - 1) // input pixels per tile side

// Interleavings for putting tiles' columns back in pixel order: x0 y0 x1 y1 ..., and pairs x0 x1 y0 y1 x2 x3 ....
inline float8 zip(const float4 x, const float4 y) {
    return (float8) (x.s0, y.s0, x.s1, y.s1, x.s2, y.s2, x.s3, y.s3);
}

// Lane by lane: Oclgrind 21.10's uninitialised-memory check crashes on a float8 built from float2 swizzles.
inline float8 zipPairs(const float4 x, const float4 y) {
    return (float8) (x.s0, x.s1, y.s0, y.s1, x.s2, x.s3, y.s2, y.s3);
}

// The 1-D transforms, each from in[i * is] to out[i * os]; the 2-D ones apply them to columns, then rows. Each works
// on float8 whose lanes are 8 filters, or 8 neighbouring tiles of one tile row, so the transforms are vector
// arithmetic and U, V and M are read and written 8 lanes at a time.
// F(2x2,3x3): the filter transform halves, so integer filters give exact half-integers.
#if ALPHA == 4
// B^T d
inline void inputTransform(const float8* in, const int is, float8* out, const int os) {
    out[0] = in[0] - in[2 * is];
    out[os] = in[is] + in[2 * is];
    out[2 * os] = in[2 * is] - in[is];
    out[3 * os] = in[is] - in[3 * is];
}

// G g
inline void filterTransform(const float8* in, const int is, float8* out, const int os) {
    const float8 outer = 0.5f * (in[0] + in[2 * is]);
    out[0] = in[0];
    out[os] = outer + 0.5f * in[is];
    out[2 * os] = outer - 0.5f * in[is];
    out[3 * os] = in[2 * is];
}

// A^T m
inline void outputTransform(const float8* in, const int is, float8* out, const int os) {
    out[0] = in[0] + in[is] + in[2 * is];
    out[os] = in[is] - in[2 * is] - in[3 * is];
}

// F(4x4,3x3) and F(2x2,5x5), with the interpolation points 0, 1, -1, 2, -2 and infinity: the same B^T, so the same
// input transform; G's row of a point p is f(p) (1, p, ..., p^(WINDOW-1)) with f = 1/4, -1/6, -1/6, 1/24, 1/24, and
// A^T's row j holds the points' p^j.
#elif ALPHA == 6
inline void inputTransform(const float8* in, const int is, float8* out, const int os) {
    const float8 d0 = in[0], d1 = in[is], d2 = in[2 * is], d3 = in[3 * is], d4 = in[4 * is], d5 = in[5 * is];
    out[0] = 4.0f * d0 - 5.0f * d2 + d4;
    out[os] = d3 + d4 - 4.0f * (d1 + d2);
    out[2 * os] = d4 - d3 + 4.0f * (d1 - d2);
    out[3 * os] = d4 - d2 + 2.0f * (d3 - d1);
    out[4 * os] = d4 - d2 + 2.0f * (d1 - d3);
    out[5 * os] = 4.0f * d1 - 5.0f * d3 + d5;
}

#if WINDOW == 3
inline void filterTransform(const float8* in, const int is, float8* out, const int os) {
    const float8 g0 = in[0], g1 = in[is], g2 = in[2 * is];
    out[0] = 0.25f * g0;
    out[os] = (g0 + g1 + g2) * (-1.0f / 6);
    out[2 * os] = (g0 - g1 + g2) * (-1.0f / 6);
    out[3 * os] = g0 * (1.0f / 24) + g1 * (1.0f / 12) + g2 * (1.0f / 6);
    out[4 * os] = g0 * (1.0f / 24) - g1 * (1.0f / 12) + g2 * (1.0f / 6);
    out[5 * os] = g2;
}
#elif WINDOW == 5
inline void filterTransform(const float8* in, const int is, float8* out, const int os) {
    const float8 g0 = in[0], g1 = in[is], g2 = in[2 * is], g3 = in[3 * is], g4 = in[4 * is];
    const float8 even1 = g0 + g2 + g4, odd1 = g1 + g3, even2 = g0 + 4.0f * g2 + 16.0f * g4, odd2 = 2.0f * g1 + 8.0f * g3;
    out[0] = 0.25f * g0;
    out[os] = (even1 + odd1) * (-1.0f / 6);
    out[2 * os] = (even1 - odd1) * (-1.0f / 6);
    out[3 * os] = (even2 + odd2) * (1.0f / 24);
    out[4 * os] = (even2 - odd2) * (1.0f / 24);
    out[5 * os] = g4;
}
#else
#error "Winograd with 6 input pixels a tile takes windows of 3 or 5"
#endif

#if TILE == 4
inline void outputTransform(const float8* in, const int is, float8* out, const int os) {
    const float8 m1 = in[is], m2 = in[2 * is], m3 = in[3 * is], m4 = in[4 * is];
    out[0] = in[0] + m1 + m2 + m3 + m4;
    out[os] = m1 - m2 + 2.0f * (m3 - m4);
    out[2 * os] = m1 + m2 + 4.0f * (m3 + m4);
    out[3 * os] = m1 - m2 + 8.0f * (m3 - m4) + in[5 * is];
}
#else
inline void outputTransform(const float8* in, const int is, float8* out, const int os) {
    const float8 m1 = in[is], m2 = in[2 * is], m3 = in[3 * is], m4 = in[4 * is];
    out[0] = in[0] + m1 + m2 + m3 + m4;
    out[os] = m1 - m2 + 2.0f * (m3 - m4) + in[5 * is];
}
#endif
#else
#error "Winograd takes F(2x2,3x3), F(4x4,3x3) or F(2x2,5x5)"
#endif

// The pixels of one output row of a run's tiles, in order: lane l of row[j] is pixel l * TILE + j.
#if TILE == 2
inline void pixelOrder(const float8* row, float8* pixels) {
    pixels[0] = zip(row[0].lo, row[1].lo);
    pixels[1] = zip(row[0].hi, row[1].hi);
}
#else
inline void pixelOrder(const float8* row, float8* pixels) {
    const float8 ab0 = zip(row[0].lo, row[1].lo), cd0 = zip(row[2].lo, row[3].lo);
    const float8 ab1 = zip(row[0].hi, row[1].hi), cd1 = zip(row[2].hi, row[3].hi);
    pixels[0] = zipPairs(ab0.lo, cd0.lo);
    pixels[1] = zipPairs(ab0.hi, cd0.hi);
    pixels[2] = zipPairs(ab1.lo, cd1.lo);
    pixels[3] = zipPairs(ab1.hi, cd1.hi);
}
#endif

// A work-item's lanes, filters or tiles, are pixel_runs.cl's run of VW, loaded and stored by loadRun and storeRun.
// The host passes VW from WinogradTiles.RUN, which sizes the NDRange; the transforms are written for float8.
#if VW != 8
#error "winograd's runs are 8 lanes wide: VW must be 8"
#endif

// U[xi, k, c] = (G g G^T)[xi] for the WINDOW x WINDOW filter g = w[k, c].
// Work-items: ceil(K*C / 8), each 8 consecutive filters (k, c) in the lanes.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void winograd_filter(const __global float* restrict w, __global float* restrict u, const int K, const int C) {
    const long kc0 = (long) get_global_id(0) * VW;
    const long filters = (long) K * C;
    if (kc0 >= filters) {
        return;
    }
    const int lanes = (int) min((long) VW, filters - kc0);
    const __global float* g0 = w + kc0 * WINDOW * WINDOW;
    float8 g[WINDOW * WINDOW], t[ALPHA * WINDOW], v[ALPHA * ALPHA];
    for (int e = 0; e < WINDOW * WINDOW; e++) {
#define AT(l) (l < lanes ? g0[l * WINDOW * WINDOW + e] : 0.0f)
        g[e] = (float8) (AT(0), AT(1), AT(2), AT(3), AT(4), AT(5), AT(6), AT(7));
#undef AT
    }
    for (int j = 0; j < WINDOW; j++) {
        filterTransform(g + j, WINDOW, t + j, WINDOW);
    }
    for (int i = 0; i < ALPHA; i++) {
        filterTransform(t + i * WINDOW, 1, v + i * ALPHA, 1);
    }
    for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
        storeRun(v[xi], u + xi * filters + kc0, lanes);
    }
}

// Work-item e of the input and output transforms of a chunk of T tiles, TW per tile row, and channels takes run
// (e % runs) of 8 tiles of tile row (e / runs % (T / TW)) of channel e / runs / (T / TW); its first tile is the
// chunk's tile t0 and it has `lanes` (at most 8) of them.
typedef struct {
    int channel, image, tileRow, t0, lanes, ow0;
} TileRun;

inline TileRun tileRun(const int e, const int rows, const int TW, const int T) {
    const int runs = (TW + VW - 1) / VW;
    const int rowsOfTiles = T / TW;
    const int tilesHigh = (rows + TILE - 1) / TILE;
    const int run = e % runs;
    const int r = e / runs % rowsOfTiles;
    TileRun tr;
    tr.channel = e / runs / rowsOfTiles;
    tr.image = r / tilesHigh;
    tr.tileRow = r % tilesHigh;
    tr.t0 = r * TW + run * VW;
    tr.lanes = min(VW, TW - run * VW);
    tr.ow0 = run * VW * TILE;
    return tr;
}

// row[c], 0 where c falls outside [0, W).
inline float columnOf(const __global float* row, const int c, const int W) {
    return c >= 0 && c < W ? row[c] : 0.0f;
}

// row[a + e] in lane e, 0 where a + e falls outside [0, W). The row starts rowAt floats into a buffer of total
// floats: where the 16 floats lie inside it, one vector load whose lanes outside the row, read from the neighbouring
// rows, are set to 0 after; lane by lane where a load could leave the buffer.
inline float16 rowSpan(const __global float* row, const int a, const int W, const long rowAt, const long total) {
    float16 v;
    if (rowAt + a >= 0 && rowAt + a + 16 <= total) {
        v = vload16(0, row + a);
    } else {
#define AT(e) columnOf(row, a + e, W)
        v = (float16) (AT(0), AT(1), AT(2), AT(3), AT(4), AT(5), AT(6), AT(7),
                       AT(8), AT(9), AT(10), AT(11), AT(12), AT(13), AT(14), AT(15));
#undef AT
    }
    const int16 column = a + (int16) (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    return select((float16) 0.0f, v, (column >= 0) & (column < W));
}

// The ALPHA columns of a run's input tiles in one row: lane l of d[j] is row[a + TILE * l + j], 0 outside [0, W).
// The run's 8 * TILE + 2 pixels are loaded contiguously and dealt to the lanes lane by lane, which the compiler
// turns into shuffles: gathered one float at a time, every pixel was loaded ALPHA / TILE times, each load checked.
inline void tileColumns(const __global float* row, const int a, const int W, const long rowAt, const long total,
                        float8* d) {
    const float t0 = columnOf(row, a + 8 * TILE, W), t1 = columnOf(row, a + 8 * TILE + 1, W);
#if TILE == 2
    const float16 lo = rowSpan(row, a, W, rowAt, total);
    d[0] = lo.even;
    d[1] = lo.odd;
    d[2] = (float8) (lo.s2, lo.s4, lo.s6, lo.s8, lo.sa, lo.sc, lo.se, t0);
    d[3] = (float8) (lo.s3, lo.s5, lo.s7, lo.s9, lo.sb, lo.sd, lo.sf, t1);
#if WINDOW == 5
    const float t2 = columnOf(row, a + 8 * TILE + 2, W), t3 = columnOf(row, a + 8 * TILE + 3, W);
    d[4] = (float8) (lo.s4, lo.s6, lo.s8, lo.sa, lo.sc, lo.se, t0, t2);
    d[5] = (float8) (lo.s5, lo.s7, lo.s9, lo.sb, lo.sd, lo.sf, t1, t3);
#endif
#else
    const float16 lo = rowSpan(row, a, W, rowAt, total), hi = rowSpan(row, a + 16, W, rowAt, total);
    d[0] = (float8) (lo.s0, lo.s4, lo.s8, lo.sc, hi.s0, hi.s4, hi.s8, hi.sc);
    d[1] = (float8) (lo.s1, lo.s5, lo.s9, lo.sd, hi.s1, hi.s5, hi.s9, hi.sd);
    d[2] = (float8) (lo.s2, lo.s6, lo.sa, lo.se, hi.s2, hi.s6, hi.sa, hi.se);
    d[3] = (float8) (lo.s3, lo.s7, lo.sb, lo.sf, hi.s3, hi.s7, hi.sb, hi.sf);
    d[4] = (float8) (lo.s4, lo.s8, lo.sc, hi.s0, hi.s4, hi.s8, hi.sc, t0);
    d[5] = (float8) (lo.s5, lo.s9, lo.sd, hi.s1, hi.s5, hi.s9, hi.sd, t1);
#endif
}

// b[xi] = (B^T d B)[xi] for the input tiles d of a run in one channel, whose plane starts planeAt floats into x
// (xFloats floats in all); the tiles' top left input pixel is (ih0, iw0), d is 0 in the padding.
inline void inputTiles(const __global float* x, const long planeAt, const long xFloats, const int H, const int W,
                       const int ih0, const int iw0, float8* b) {
    float8 d[ALPHA], r[ALPHA * ALPHA];
    for (int i = 0; i < ALPHA; i++) {
        const int ih = ih0 + i;
        if (ih < 0 || ih >= H) {
            for (int j = 0; j < ALPHA; j++) {
                d[j] = (float8) 0.0f;
            }
        } else {
            const long rowAt = planeAt + (long) ih * W;
            tileColumns(x + rowAt, iw0, W, rowAt, xFloats, d);
        }
        inputTransform(d, 1, r + i * ALPHA, 1);
    }
    for (int j = 0; j < ALPHA; j++) {
        inputTransform(r + j, ALPHA, b + j, ALPHA);
    }
}

// V[xi, c, t] = (B^T d B)[xi] for the input tile d of channel c under output tile t; d is 0 in the padding.
// x + xOffset is the chunk's first image; x holds xFloats floats in all. Work-items: C * (T / TW) * ceil(TW / 8), see
// tileRun.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void winograd_input(const __global float* restrict x, const long xOffset, const long xFloats,
                    __global float* restrict v, const long positionStride, const int C, const int H, const int W, const int PH, const int PW,
                    const int oh0, const int rows, const int TW, const int T) {
    const TileRun run = tileRun(get_global_id(0), rows, TW, T);
    if (run.channel >= C) {
        return;
    }
    float8 b[ALPHA * ALPHA];
    inputTiles(x, xOffset + ((long) run.image * C + run.channel) * H * W, xFloats, H, W,
               oh0 + run.tileRow * TILE - PH, run.ow0 - PW, b);
    __global float* out = v + (long) run.channel * T + run.t0;
    for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
        storeRun(b[xi], out + xi * positionStride, run.lanes);
    }
}

// The convolution of image xn (C, H, W) with filter wk (C, WINDOW, WINDOW) at the window whose top left tap reads (ih0,
// iw0), summed tap by tap as the other paths do: a tap on the padding adds 0 * w, so inf x 0 gives NaN as PyTorch.
inline float directPixel(const __global float* xn, const __global float* wk, const int C, const int H, const int W,
                         const long ih0, const long iw0) {
    float acc = 0.0f;
    for (int c = 0; c < C; c++) {
        // Each channel's nine taps summed on their own, then added: a long chain of taps loses accuracy.
        float part = 0.0f;
        for (int i = 0; i < WINDOW; i++) {
            const long ih = ih0 + i;
            for (int j = 0; j < WINDOW; j++) {
                const long iw = iw0 + j;
                const float v = ih >= 0 && ih < H && iw >= 0 && iw < W ? xn[((long) c * H + ih) * W + iw] : 0.0f;
                part = fma(v, wk[(c * WINDOW + i) * WINDOW + j], part);
            }
        }
        acc += part;
    }
    return acc;
}

// Output channel k of a run's tiles from their products p (one vector of the run's lanes per position): y = A^T p A
// + b through the epilogue into the NCHW plane that starts `plane` floats into y, tile rows from ohTile up to
// rowsEnd, pixels from ow0 up to OW.
// The transforms mix a whole tile, so one NaN or infinity in an input tile (or a transform overflowing) makes every
// pixel of the output tile non-finite; such a pixel is summed again straight from image xn ((C, H, W) planes padded
// by PH rows and PW columns before) and filter wk (C, WINDOW, WINDOW), which keeps it finite where its own window is
// and gives PyTorch's NaN or infinity where it is not. So is a pixel whose window lies wholly on the padding (a
// padding of at least WINDOW): its sum is exactly 0 (NaN for a non-finite weight), where the transforms leave there
// the rounding of its tile's other pixels.
inline void outputTiles(const float8* p, const float b, __global float* y, const long plane, const int ohTile,
                        const int rowsEnd, const int ow0, const int OW, EPILOGUE_ARGS, const __global float* xn,
                        const __global float* wk, const int C, const int H, const int W, const int PH, const int PW) {
    float8 s[TILE * ALPHA], o[TILE * TILE];
    for (int j = 0; j < ALPHA; j++) {
        outputTransform(p + j, ALPHA, s + j, ALPHA);
    }
    for (int i = 0; i < TILE; i++) {
        outputTransform(s + i * ALPHA, 1, o + i * TILE, 1);
    }
    const int width = min(VW * TILE, OW - ow0);
    // Whether the run's first or last pixel's window lies left or right of the input: only those, at its ends, can.
    const bool paddingColumns = (long) ow0 - PW + WINDOW <= 0 || (long) ow0 + width - 1 - PW >= W;
    for (int i = 0; i < TILE && ohTile + i < rowsEnd; i++) {
        // Row i of the run's tiles in pixel order, by vector shuffles, and checked for finiteness as vectors; lane by
        // lane, the output transform took a third as long as the products (N=8, 3x3 C=K=64 56x56: 13.7 -> 12.4 ms
        // best, 16.0 -> 14.2 median; C=K=128 28x28: 9.2 -> 8.4, 10.4 -> 9.6).
        float8 row[TILE], u[TILE];
        int8 finiteLanes = (int8) -1;
        for (int j = 0; j < TILE; j++) {
            row[j] = o[i * TILE + j] + b;
            finiteLanes &= isfinite(row[j]);
        }
        pixelOrder(row, u);
        const long ih0 = (long) ohTile + i - PH;
        const bool paddingRow = ih0 + WINDOW <= 0 || ih0 >= H;
        const long at = plane + (long) (ohTile + i) * OW + ow0;
        if (all(finiteLanes) && !paddingRow && !paddingColumns) {
            // The row's last run is short where VW * TILE does not divide OW (every run of rows of 28 or 14).
            for (int q = 0; q < TILE && q * VW < width; q++) {
                const int n = min(VW, width - q * VW);
                const float8 z = PLUS_RESIDUAL(addResidual, u[q], loadRun(residual + at + q * VW, n));
                storeRun(ACTIVATE(z, actKind, actA, actB), y + at + q * VW, n);
            }
        } else {
            float pixels[VW * TILE];
            for (int q = 0; q < TILE; q++) {
                vstore8(u[q], q, pixels);
            }
            for (int q = 0; q < width; q++) {
                float v = pixels[q];
                const long iw0 = (long) ow0 + q - PW;
                if (!isfinite(v) || paddingRow || iw0 + WINDOW <= 0 || iw0 >= W) {
                    v = directPixel(xn, wk, C, H, W, ih0, iw0) + b;
                }
                y[at + q] = epilogue(v, addResidual, residual + at + q, actKind, actA, actB);
            }
        }
    }
}

// y[n, k, oh, ow] = epilogue(A^T M A + bias[k]) for output tile t of channel k, the pixels past the chunk's rows
// or OW left alone, non-finite pixels summed directly from x + xOffset (the chunk's first image) and w (K, C, 3, 3)
// (see outputTiles). M starts at m + mOffset; y + yOffset is the chunk's first image. Work-items: K * (T / TW) *
// ceil(TW / 8), see tileRun; each writes TILE rows of 8 * TILE pixels.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void winograd_output(const __global float* restrict m, const long mOffset, const long positionStride,
                     const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS,
                     __global float* restrict y,
                     const long yOffset, const int K, const int OH, const int OW,
                     const int oh0, const int rows, const int TW, const int T,
                     const __global float* restrict x, const long xOffset, const __global float* restrict w,
                     const int C, const int H, const int W, const int PH, const int PW) {
    const TileRun run = tileRun(get_global_id(0), rows, TW, T);
    const int k = run.channel;
    if (k >= K) {
        return;
    }
    float8 p[ALPHA * ALPHA];
    const __global float* in = m + mOffset + (long) k * T + run.t0;
    // A whole vector each, the lanes past the run's set to 0: the load stays inside vm, as each matrix of M is
    // followed by a gap of 16 floats.
    const int8 inRun = (int8) (0, 1, 2, 3, 4, 5, 6, 7) < run.lanes;
    for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
        p[xi] = select((float8) 0.0f, vload8(0, in + xi * positionStride), inRun);
    }
    outputTiles(p, hasBias ? bias[k] : 0.0f, y, yOffset + ((long) run.image * K + k) * OH * OW,
                oh0 + run.tileRow * TILE, oh0 + rows, run.ow0, OW, residual, addResidual, actKind, actA, actB,
                x + xOffset + (long) run.image * C * H * W, w + (long) k * C * WINDOW * WINDOW, C, H, W, PH, PW);
}

#ifdef FUSED_CHANNELS
#ifndef KB
#define KB 16 // output channels whose products a fused work-item holds at once
#endif
#ifndef SUM_CHANNELS
#define SUM_CHANNELS 32 // channels whose products are summed on their own before they join the total
#endif
// Winograd fused into one kernel, for CPUs: a work-item takes a run of up to 8 tiles of one row of tiles of one image
// through every step. It transforms the run's input tiles in all FUSED_CHANNELS (= C) channels into vt, then per
// block of KB output channels sums each position's products over the channels, (KB x C) U by (C x lanes) vt, into
// mt, and transforms them back into the output. vt and mt are the work-group's own local memory, which the CPU keeps
// in its caches, where the unfused transforms write V and M out and read them back from memory: for few channels the
// transforms and their traffic take most of the time. U is winograd_filter's.
// NDRange: N * ceil(OH / TILE) * ceil(TW / 8) work-items, groups of one.
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void winograd_fused(const __global float* restrict x, const long xFloats, const __global float* restrict u,
                    const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS,
                    __global float* restrict y, const __global float* restrict w, const int K, const int H,
                    const int W, const int PH, const int PW, const int OH, const int OW, const int TW) {
    __local float8 vt[ALPHA * ALPHA * FUSED_CHANNELS];
    __local float8 mt[ALPHA * ALPHA * KB];
    const int C = FUSED_CHANNELS;
    const int runs = (TW + VW - 1) / VW, tilesHigh = (OH + TILE - 1) / TILE;
    const int e = get_global_id(0);
    const int run = e % runs, tileRow = e / runs % tilesHigh, image = e / runs / tilesHigh;
    const int ow0 = run * VW * TILE, ohTile = tileRow * TILE;
    const long xn = (long) image * C * H * W;
    for (int c = 0; c < C; c++) {
        float8 b[ALPHA * ALPHA];
        inputTiles(x, xn + (long) c * H * W, xFloats, H, W, ohTile - PH, ow0 - PW, b);
        for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
            vt[xi * C + c] = b[xi];
        }
    }
    // The last block ends at K, overlapping the one before where KB does not divide K (the host keeps KB <= K): its
    // shared filters are summed and stored again, the same values.
    for (int block = 0; block * KB < K; block++) {
        const int k0 = min(block * KB, K - KB);
        for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
            const __global float* uk = u + ((long) xi * K + k0) * C;
            // Blocks of channels are summed on their own, then added to the products in mt: one chain over 512
            // channels left 30 times the error of the unfused path's blocked products.
            for (int c0 = 0; c0 < C; c0 += SUM_CHANNELS) {
                float8 acc[KB];
#pragma unroll
                for (int kb = 0; kb < KB; kb++) {
                    acc[kb] = (float8) 0.0f;
                }
                for (int c = c0; c < min(C, c0 + SUM_CHANNELS); c++) {
                    const float8 v = vt[xi * C + c];
#pragma unroll
                    for (int kb = 0; kb < KB; kb++) {
                        acc[kb] = fma((float8) uk[kb * C + c], v, acc[kb]);
                    }
                }
#pragma unroll
                for (int kb = 0; kb < KB; kb++) {
                    mt[xi * KB + kb] = c0 == 0 ? acc[kb] : mt[xi * KB + kb] + acc[kb];
                }
            }
        }
        for (int kb = 0; kb < KB; kb++) {
            const int k = k0 + kb;
            float8 p[ALPHA * ALPHA];
            for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
                p[xi] = mt[xi * KB + kb];
            }
            outputTiles(p, hasBias ? bias[k] : 0.0f, y, ((long) image * K + k) * OH * OW, ohTile, OH, ow0, OW,
                        residual, addResidual, actKind, actA, actB, x + xn, w + (long) k * C * WINDOW * WINDOW, C, H, W, PH, PW);
        }
    }
}
#endif
