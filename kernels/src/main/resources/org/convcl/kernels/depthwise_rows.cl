// conv2d of groups with one input channel each (depthwise, any channel multiplier M = K/C) on CPUs, a square window
// of WINDOW_K taps a side at stride WINDOW_S built in:
//   y[n, k, oh, ow] = bias[k] + sum over i, j < WINDOW_K of x[n, k/M, oh*S - PH + i, ow*S - PW + j] * w[k, 0, i, j]
// then epilogue.cl's residual and activation.
// A work-item owns ROWS rows of one output plane (a kernel argument), whole: it walks the row in runs of VW pixels,
// the last run moved back to end at the row's end so that every store is a whole vector, and for each run it walks
// the rows with its filter's taps in registers. Per run it decides once how its loads read the input: one vector
// load each where the run's window stays inside the rows, a load with the columns outside the row set to 0 where it
// crosses the padding, and checked scalar loads only where a load could reach past the buffer (the first and last
// planes' border runs). direct_conv2d.cl's runs, one work-item per run of a few rows, redo those decisions and
// the filter's loads per work-item, and store the row's partial last run lane by lane.
// NDRange: (ceil(OH / ROWS), N*K), work-groups of one work-item.

#define DW_TAPS (WINDOW_K * WINDOW_K)

// The rows from oh0 of the run at ow0, each input vector read by LOAD(xr, iw0): xr the input row, iw0 the column of
// the run's first tap.
#define DW_ROWS(LOAD) \
    for (int oh = oh0; oh < ohEnd; oh++) { \
        floatV acc = (floatV) 0.0f; \
        _Pragma("unroll") for (int i = 0; i < WINDOW_K; i++) { \
            const long ih = (long) oh * WINDOW_S - PH + i; \
            const bool rowIn = ih >= 0 && ih < H; \
            const __global float* xr = xp + (rowIn ? ih : 0) * W; \
            _Pragma("unroll") for (int j = 0; j < WINDOW_K; j++) { \
                const int iw0 = windowColumn(ow0, WINDOW_S, PW, j, 1, W); \
                /* A padded row still adds 0 * w, as in PyTorch, so an infinite or NaN weight there gives NaN. */ \
                const floatV v = rowIn ? LOAD(xr, iw0) : (floatV) 0.0f; \
                acc = fma(v, (floatV) taps[i * WINDOW_K + j], acc); \
            } \
        } \
        const long o = (((long) n * K + k) * OH + oh) * OW + ow0; \
        const floatV z = PLUS_RESIDUAL(addResidual, acc + b, loadRun(residual + o, run)); \
        storeRun(ACTIVATE(z, actKind, actA, actB), y + o, run); \
    }

#if WINDOW_S == 1
#define DW_SPAN(xr, iw0) vloadV(0, (xr) + (iw0))
#else
#define DW_SPAN(xr, iw0) vloadEvensV((xr) + (iw0))
#endif
#define DW_MASKED(xr, iw0) \
    select((floatV) 0.0f, DW_SPAN(xr, iw0), \
           ((iw0) + WINDOW_S * laneIndices() >= 0) & ((iw0) + WINDOW_S * laneIndices() < W))
#define DW_CHECKED(xr, iw0) loadRow(xr, iw0, WINDOW_S, W, false)

__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void depthwise_rows(const __global float* restrict x, const __global float* restrict w,
                    const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS,
                    __global float* restrict y, const int N, const int C, const int K, const int H, const int W,
                    const int PH, const int PW, const int OH, const int OW, const int ROWS) {
    const int chunk = get_global_id(0);
    const int plane = get_global_id(1);
    if (chunk >= (OH + ROWS - 1) / ROWS || plane >= N * K) {
        return;
    }
    const int n = plane / K;
    const int k = plane % K;
    const long xAt = ((long) n * C + k / (K / C)) * H * W;
    const __global float* xp = x + xAt;
    const long total = (long) N * C * H * W;
    float taps[DW_TAPS];
#pragma unroll
    for (int t = 0; t < DW_TAPS; t++) {
        taps[t] = w[(long) k * DW_TAPS + t];
    }
    const float b = hasBias ? bias[k] : 0.0f;
    const int oh0 = chunk * ROWS;
    const int ohEnd = min(oh0 + ROWS, OH);
    for (long ow = 0; ow < OW; ow += VW) {
        const int ow0 = OW >= VW ? (int) min(ow, (long) OW - VW) : 0;
        const int run = min(VW, OW - ow0);
        // The floats a vector load of the run may touch, from its first tap's column in the first row to past its
        // last tap's in the last row (a stride-2 load reads 2*VW floats).
        const long first = xAt + (long) ow0 * WINDOW_S - PW;
        const bool inBuffer = first >= 0 && first + (long) (H - 1) * W + WINDOW_K - 1 + (long) VW * WINDOW_S <= total;
        if (inBuffer && insideRun(ow0, W, WINDOW_K, WINDOW_S, PW, 1)) {
            DW_ROWS(DW_SPAN)
        } else if (inBuffer) {
            DW_ROWS(DW_MASKED)
        } else {
            DW_ROWS(DW_CHECKED)
        }
    }
}
