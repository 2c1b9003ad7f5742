// conv2d of groups with one input channel each on CPUs: depthwise layers (any channel multiplier) and layers over
// one channel, such as MNIST's first or a speech model's spectrogram layer:
//   y[n, k, oh, ow] = bias[k] + sum over i < KH, j < KW of x[n, g, oh*SH - PH + i*DH, ow*SW - PW + j*DW] * w[k, 0, i, j]
// with g = k / (K/C), then epilogue.cl's residual and activation.
// A work-item owns ROWS rows of KB output planes of one group, whole (ROWS a kernel argument): it walks the rows in
// runs of VW pixels, the last run moved back to end at the row's end so that every store is a whole vector, and for
// each run it walks the rows, each input vector it loads feeding KB planes. Per run it decides once how its loads
// read the input: one vector load each (stride 1, or the even lanes of a double-width load at stride 2) where the
// run's window stays inside the rows, a load with the columns outside the row set to 0 where it crosses the padding,
// and checked scalar loads where a load could reach past the buffer (the first and last planes' border runs) or at
// other strides. direct_conv2d.cl's runs, one work-item per run of a few rows, redo those decisions and the filters'
// loads per work-item, and store the row's partial last run lane by lane.
// The window is window.cl's: built in (WINDOW_K, WINDOW_S) or from the arguments.
// NDRange: (ceil(OH / ROWS), N*K/KB), work-groups of one work-item.

#ifndef KB
#define KB 1 // output planes per work-item, all of one group
#endif

// With WEIGHTS_STREAMED, each weight is loaded where it is used: the volatile read keeps the compiler from hoisting
// a built-in window's weights out of the row loop, which for a large window or many planes spills their broadcast
// vectors to the stack (see DirectAlgorithm, which times both).
#ifdef WEIGHTS_STREAMED
#define WEIGHTS const volatile __global float*
#else
#define WEIGHTS const __global float*
#endif

// Output row oh of the run at ow0, summed in acc, through the bias and epilogue to y.
#define DW_STORE(acc, oh) \
    _Pragma("unroll") for (int kk = 0; kk < KB; kk++) { \
        const long o = (((long) n * K + k0 + kk) * OH + (oh)) * OW + ow0; \
        const float b = hasBias ? bias[k0 + kk] : 0.0f; \
        const floatV z = PLUS_RESIDUAL(addResidual, acc[kk] + b, loadRun(residual + o, run)); \
        storeRun(ACTIVATE(z, actKind, actA, actB), y + o, run); \
    }

// The rows from oh0 of the run at ow0, each input vector read by LOAD(xr, iw0): xr the input row, iw0 the column of
// the run's first pixel's tap. Each window row is summed on its own before it joins the total, so that a wide window
// (41x11) is not one chain of rounding.
#define DW_ROWS(LOAD) \
    for (int oh = oh0; oh < ohEnd; oh++) { \
        floatV acc[KB]; \
        _Pragma("unroll") for (int kk = 0; kk < KB; kk++) acc[kk] = (floatV) 0.0f; \
        TAP_LOOP (int i = 0; i < TAPS_H; i++) { \
            const long ih = (long) oh * STEP_H - PH + (long) i * DIL_H; \
            const bool rowIn = ih >= 0 && ih < H; \
            const __global float* xr = xp + (rowIn ? ih : 0) * W; \
            WEIGHTS wi = wk + i * TAPS_W; \
            floatV part[KB]; \
            _Pragma("unroll") for (int kk = 0; kk < KB; kk++) part[kk] = (floatV) 0.0f; \
            TAP_LOOP (int j = 0; j < TAPS_W; j++) { \
                const int iw0 = windowColumn(ow0, STEP_W, PW, j, DIL_W, W); \
                /* A padded row still adds 0 * w, as in PyTorch, so an infinite or NaN weight there gives NaN. */ \
                const floatV v = rowIn ? LOAD(xr, iw0) : (floatV) 0.0f; \
                _Pragma("unroll") for (int kk = 0; kk < KB; kk++) \
                    part[kk] = fma(v, (floatV) wi[kk * TAPS_H * TAPS_W + j], part[kk]); \
            } \
            _Pragma("unroll") for (int kk = 0; kk < KB; kk++) acc[kk] += part[kk]; \
        } \
        DW_STORE(acc, oh) \
    }

// DW_ROWS for a built-in window, walking input rows instead: each row's TAPS_W vectors are loaded once and feed every
// output row whose window holds it. Step m reads the STEP_H rows from m*STEP_H - PH on; output row m - d', pending in
// acc[SLIDE_ROWS - 1 - d'], takes row r of them as its window row d'*STEP_H + r, so acc[0] is then complete and the
// others move up. The sums are DW_ROWS's, in its order; the loads, row checks and address arithmetic are those of
// each input row once rather than of each window row of each output row, and they, not the multiply-adds, bounded
// DW_ROWS (depthwise 3x3 on 14x14 planes).
#define SLIDE_ROWS ((TAPS_H + STEP_H - 1) / STEP_H)
#define DW_SLIDE(LOAD) \
    { \
        floatV acc[SLIDE_ROWS][KB]; \
        _Pragma("unroll") for (int d = 0; d < SLIDE_ROWS; d++) \
            _Pragma("unroll") for (int kk = 0; kk < KB; kk++) acc[d][kk] = (floatV) 0.0f; \
        for (int m = oh0; m < ohEnd + SLIDE_ROWS - 1; m++) { \
            _Pragma("unroll") for (int r = 0; r < STEP_H; r++) { \
                const int ih = m * STEP_H - PH + r; \
                const bool rowIn = ih >= 0 && ih < H; \
                const __global float* xr = xp + (long) (rowIn ? ih : 0) * W; \
                floatV v[TAPS_W]; \
                TAP_LOOP (int j = 0; j < TAPS_W; j++) \
                    v[j] = rowIn ? LOAD(xr, windowColumn(ow0, STEP_W, PW, j, 1, W)) : (floatV) 0.0f; \
                _Pragma("unroll") for (int d = 0; d < SLIDE_ROWS; d++) { \
                    const int i = (SLIDE_ROWS - 1 - d) * STEP_H + r; \
                    if (i < TAPS_H) { \
                        WEIGHTS wi = wk + i * TAPS_W; \
                        _Pragma("unroll") for (int kk = 0; kk < KB; kk++) { \
                            floatV part = (floatV) 0.0f; \
                            TAP_LOOP (int j = 0; j < TAPS_W; j++) \
                                part = fma(v[j], (floatV) wi[kk * TAPS_H * TAPS_W + j], part); \
                            acc[d][kk] += part; \
                        } \
                    } \
                } \
            } \
            if (m - (SLIDE_ROWS - 1) >= oh0) { \
                DW_STORE(acc[0], m - (SLIDE_ROWS - 1)) \
            } \
            _Pragma("unroll") for (int d = 0; d + 1 < SLIDE_ROWS; d++) \
                _Pragma("unroll") for (int kk = 0; kk < KB; kk++) acc[d][kk] = acc[d + 1][kk]; \
            _Pragma("unroll") for (int kk = 0; kk < KB; kk++) acc[SLIDE_ROWS - 1][kk] = (floatV) 0.0f; \
        } \
    }

#ifdef WINDOW_K
#define DW_RUN DW_SLIDE
#else
#define DW_RUN DW_ROWS
#endif

#define DW_SPAN(xr, iw0) (STEP_W == 1 ? vloadV(0, (xr) + (iw0)) : vloadEvensV((xr) + (iw0)))
#define DW_MASKED(xr, iw0) \
    select((floatV) 0.0f, DW_SPAN(xr, iw0), \
           ((iw0) + STEP_W * laneIndices() >= 0) & ((iw0) + STEP_W * laneIndices() < W))
#define DW_CHECKED(xr, iw0) loadRow(xr, iw0, STEP_W, W, false)

__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void depthwise_rows(const __global float* restrict x, const __global float* restrict w,
                    const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS,
                    __global float* restrict y, const int N, const int C, const int K, const int H, const int W,
                    const int KH, const int KW, const int SH, const int SW, const int PH, const int PW, const int DH,
                    const int DW, const int OH, const int OW, const int ROWS) {
    const int chunk = get_global_id(0);
    const int planes = get_global_id(1);
    if (chunk >= (OH + ROWS - 1) / ROWS || planes >= N * (K / KB)) {
        return;
    }
    const int n = planes / (K / KB);
    const int k0 = planes % (K / KB) * KB;
    const long xAt = ((long) n * C + k0 / (K / C)) * H * W;
    const __global float* xp = x + xAt;
    const __global float* wk = w + (long) k0 * TAPS_H * TAPS_W;
    const long total = (long) N * C * H * W;
    const int oh0 = chunk * ROWS;
    const int ohEnd = min(oh0 + ROWS, OH);
    for (long ow = 0; ow < OW; ow += VW) {
        const int ow0 = OW >= VW ? (int) min(ow, (long) OW - VW) : 0;
        const int run = min(VW, OW - ow0);
        // The floats a vector load of the run may touch, from its first tap's column in the first row to past its
        // last tap's in the last row (a stride-2 load reads 2*VW floats).
        const long first = xAt + (long) ow0 * STEP_W - PW;
        const bool inBuffer = STEP_W <= 2 && first >= 0
                && first + (long) (H - 1) * W + (long) (TAPS_W - 1) * DIL_W + (long) VW * STEP_W <= total;
        if (inBuffer && insideRun(ow0, W, TAPS_W, STEP_W, PW, DIL_W)) {
            DW_RUN(DW_SPAN)
        } else if (inBuffer) {
            DW_RUN(DW_MASKED)
        } else {
            DW_RUN(DW_CHECKED)
        }
    }
}
