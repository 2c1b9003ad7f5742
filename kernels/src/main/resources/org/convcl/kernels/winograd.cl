// Winograd convolution F(TILE x TILE, 3x3) for 3x3 kernels, stride 1, dilation 1, one group (Lavin and Gray, 2015).
// Each output tile of TILE x TILE pixels comes from an ALPHA x ALPHA input tile d: y = A^T [(G g G^T) . (B^T d B)] A.
// The elementwise product summed over channels is ALPHA^2 independent GEMMs, which the host runs with the SGEMM:
//   M[xi] (K x T) = U[xi] (K x C) * V[xi] (C x T),  xi < ALPHA^2,  T = tiles of the chunk, images folded in.
// Layouts, all row-major: U (ALPHA^2, K, C), V (ALPHA^2, C, T), M (ALPHA^2, K, T). Tile t of a chunk of output rows
// [oh0, oh0 + rows) of consecutive images is (image, tile row, tile column) in that order, TW tiles per row.
// NDRange of each kernel: its work-item count rounded up to LOCAL_SIZE; the tail is guarded.

#ifndef TILE
#define TILE 2 // output pixels per tile side: 2 for F(2x2,3x3), 4 for F(4x4,3x3)
#endif
#define ALPHA (TILE + 2) // input pixels per tile side

// The 1-D transforms, each from in[i * is] to out[i * os]; the 2-D ones apply them to columns, then rows.
// F(2x2,3x3): the filter transform halves, so integer filters give exact half-integers.
#if TILE == 2
// B^T d
inline void inputTransform(const float* in, const int is, float* out, const int os) {
    out[0] = in[0] - in[2 * is];
    out[os] = in[is] + in[2 * is];
    out[2 * os] = in[2 * is] - in[is];
    out[3 * os] = in[is] - in[3 * is];
}

// G g
inline void filterTransform(const float* in, const int is, float* out, const int os) {
    const float outer = 0.5f * (in[0] + in[2 * is]);
    out[0] = in[0];
    out[os] = outer + 0.5f * in[is];
    out[2 * os] = outer - 0.5f * in[is];
    out[3 * os] = in[2 * is];
}

// A^T m
inline void outputTransform(const float* in, const int is, float* out, const int os) {
    out[0] = in[0] + in[is] + in[2 * is];
    out[os] = in[is] - in[2 * is] - in[3 * is];
}
// F(4x4,3x3) with the interpolation points 0, 1, -1, 2, -2 and infinity.
#elif TILE == 4
inline void inputTransform(const float* in, const int is, float* out, const int os) {
    const float d0 = in[0], d1 = in[is], d2 = in[2 * is], d3 = in[3 * is], d4 = in[4 * is], d5 = in[5 * is];
    out[0] = 4.0f * d0 - 5.0f * d2 + d4;
    out[os] = d3 + d4 - 4.0f * (d1 + d2);
    out[2 * os] = d4 - d3 + 4.0f * (d1 - d2);
    out[3 * os] = d4 - d2 + 2.0f * (d3 - d1);
    out[4 * os] = d4 - d2 + 2.0f * (d1 - d3);
    out[5 * os] = 4.0f * d1 - 5.0f * d3 + d5;
}

inline void filterTransform(const float* in, const int is, float* out, const int os) {
    const float g0 = in[0], g1 = in[is], g2 = in[2 * is];
    out[0] = 0.25f * g0;
    out[os] = (g0 + g1 + g2) * (-1.0f / 6);
    out[2 * os] = (g0 - g1 + g2) * (-1.0f / 6);
    out[3 * os] = g0 * (1.0f / 24) + g1 * (1.0f / 12) + g2 * (1.0f / 6);
    out[4 * os] = g0 * (1.0f / 24) - g1 * (1.0f / 12) + g2 * (1.0f / 6);
    out[5 * os] = g2;
}

inline void outputTransform(const float* in, const int is, float* out, const int os) {
    const float m1 = in[is], m2 = in[2 * is], m3 = in[3 * is], m4 = in[4 * is];
    out[0] = in[0] + m1 + m2 + m3 + m4;
    out[os] = m1 - m2 + 2.0f * (m3 - m4);
    out[2 * os] = m1 + m2 + 4.0f * (m3 + m4);
    out[3 * os] = m1 - m2 + 8.0f * (m3 - m4) + in[5 * is];
}
#else
#error "TILE must be 2 or 4"
#endif

// U[xi, k, c] = (G g G^T)[xi] for the 3x3 filter g = w[k, c].
// Work-items: K*C, one per filter.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void winograd_filter(const __global float* restrict w, __global float* restrict u, const int K, const int C) {
    const int kc = get_global_id(0);
    if (kc >= K * C) {
        return;
    }
    float g[9], t[ALPHA * 3], v[ALPHA * ALPHA];
    for (int e = 0; e < 9; e++) {
        g[e] = w[(long) kc * 9 + e];
    }
    for (int j = 0; j < 3; j++) {
        filterTransform(g + j, 3, t + j, 3);
    }
    for (int i = 0; i < ALPHA; i++) {
        filterTransform(t + i * 3, 1, v + i * ALPHA, 1);
    }
    for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
        u[(long) xi * K * C + kc] = v[xi];
    }
}

// The first output pixel of tile t: image, row and column; rows past the chunk belong to no tile.
inline int3 tileOrigin(const int t, const int oh0, const int rows, const int TW) {
    const int tilesPerImage = (rows + TILE - 1) / TILE * TW;
    const int r = t % tilesPerImage;
    return (int3) (t / tilesPerImage, oh0 + r / TW * TILE, r % TW * TILE);
}

// V[xi, c, t] = (B^T d B)[xi] for the input tile d of channel c under output tile t; d is 0 in the padding.
// x + xOffset is the chunk's first image. Work-items: C*T, tiles fastest, so neighbours write neighbouring columns.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void winograd_input(const __global float* restrict x, const long xOffset, __global float* restrict v,
                    const int C, const int H, const int W, const int PH, const int PW,
                    const int oh0, const int rows, const int TW, const int T) {
    const int e = get_global_id(0);
    if (e >= C * T) {
        return;
    }
    const int c = e / T;
    const int t = e % T;
    const int3 origin = tileOrigin(t, oh0, rows, TW);
    const __global float* xc = x + xOffset + ((long) origin.x * C + c) * H * W;
    const int ih0 = origin.y - PH;
    const int iw0 = origin.z - PW;
    float d[ALPHA * ALPHA], s[ALPHA * ALPHA], b[ALPHA * ALPHA];
    if (ih0 >= 0 && ih0 + ALPHA <= H && iw0 >= 0 && iw0 + ALPHA <= W) {
        // Most tiles are away from the padding: unchecked loads.
        for (int i = 0; i < ALPHA; i++) {
            for (int j = 0; j < ALPHA; j++) {
                d[i * ALPHA + j] = xc[(ih0 + i) * W + iw0 + j];
            }
        }
    } else {
        for (int i = 0; i < ALPHA; i++) {
            const int ih = ih0 + i;
            for (int j = 0; j < ALPHA; j++) {
                const int iw = iw0 + j;
                d[i * ALPHA + j] = ih >= 0 && ih < H && iw >= 0 && iw < W ? xc[ih * W + iw] : 0.0f;
            }
        }
    }
    for (int j = 0; j < ALPHA; j++) {
        inputTransform(d + j, ALPHA, s + j, ALPHA);
    }
    for (int i = 0; i < ALPHA; i++) {
        inputTransform(s + i * ALPHA, 1, b + i * ALPHA, 1);
    }
    for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
        v[((long) xi * C + c) * T + t] = b[xi];
    }
}

// The 3x3 convolution of image xn (C, H, W) with filter wk (C, 3, 3) at the window whose top left tap reads (ih0,
// iw0), summed tap by tap as the other paths do: a tap on the padding adds 0 * w, so inf x 0 gives NaN as PyTorch.
inline float directPixel(const __global float* xn, const __global float* wk, const int C, const int H, const int W,
                         const long ih0, const long iw0) {
    float acc = 0.0f;
    for (int c = 0; c < C; c++) {
        for (int i = 0; i < 3; i++) {
            const long ih = ih0 + i;
            for (int j = 0; j < 3; j++) {
                const long iw = iw0 + j;
                const float v = ih >= 0 && ih < H && iw >= 0 && iw < W ? xn[((long) c * H + ih) * W + iw] : 0.0f;
                acc = fma(v, wk[(c * 3 + i) * 3 + j], acc);
            }
        }
    }
    return acc;
}

// y[n, k, oh, ow] = epilogue(A^T M A + bias[k]) for output tile t of channel k, the pixels past the chunk's rows
// or OW left alone. M starts at m + mOffset; y + yOffset is the chunk's first image. Work-items: K*T, tiles fastest.
// The transforms mix a whole tile, so one NaN or infinity in an input tile (or a transform overflowing) makes every
// pixel of the output tile non-finite; such a pixel is summed again straight from x + xOffset (the chunk's first
// image, (C, H, W) planes padded by PH rows and PW columns before) and w (K, C, 3, 3), which keeps it finite where
// its own window is and gives PyTorch's NaN or infinity where it is not.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void winograd_output(const __global float* restrict m, const long mOffset,
                     const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS,
                     __global float* restrict y,
                     const long yOffset, const int K, const int OH, const int OW,
                     const int oh0, const int rows, const int TW, const int T,
                     const __global float* restrict x, const long xOffset, const __global float* restrict w,
                     const int C, const int H, const int W, const int PH, const int PW) {
    const int e = get_global_id(0);
    if (e >= K * T) {
        return;
    }
    const int k = e / T;
    const int t = e % T;
    float p[ALPHA * ALPHA], s[TILE * ALPHA], o[TILE * TILE];
    for (int xi = 0; xi < ALPHA * ALPHA; xi++) {
        p[xi] = m[mOffset + ((long) xi * K + k) * T + t];
    }
    for (int j = 0; j < ALPHA; j++) {
        outputTransform(p + j, ALPHA, s + j, ALPHA);
    }
    for (int i = 0; i < TILE; i++) {
        outputTransform(s + i * ALPHA, 1, o + i * TILE, 1);
    }
    const int3 origin = tileOrigin(t, oh0, rows, TW);
    const float b = hasBias ? bias[k] : 0.0f;
    const long plane = yOffset + ((long) origin.x * K + k) * OH * OW;
    for (int i = 0; i < TILE && origin.y + i < oh0 + rows; i++) {
        for (int j = 0; j < TILE && origin.z + j < OW; j++) {
            const long at = plane + (origin.y + i) * OW + origin.z + j;
            float v = o[i * TILE + j];
            if (!isfinite(v)) {
                v = directPixel(x + xOffset + (long) origin.x * C * H * W, w + (long) k * C * 9, C, H, W,
                                (long) origin.y + i - PH, (long) origin.z + j - PW);
            }
            y[at] = epilogue(v + b, residual + at, actA, actB);
        }
    }
}
