// Max and average pooling over NCHW planes and their gradients, with PyTorch's windows: implicit -inf (max) or
// zero (average) padding, dilation for max pooling, ceil mode handled by the host's output size, NaN propagating.
// PH and PW are the top and left padding; the bottom and right ones, PB and PR, matter only to the average divisor.
// Forward kernels: one work-item per run of VW output pixels of a row; backward kernels gather, one work-item per
// input element (adjoint_window.cl). NDRange (runs or elements of one plane rounded up to LOCAL_SIZE, planes): the
// plane comes from the second dimension, so no work-item divides a 64-bit index. Indices are ih*W + iw within each
// plane.

// The first tap in [0, ...) of a window that starts at s with taps D apart, in 64 bits: in ceil mode with a huge
// stride or dilation s can pass 2^31.
inline long firstTapInside(const long s, const int D) {
    return s >= 0 ? s : s + (-s + D - 1) / D * D;
}

// Runs of VW output pixels, VW from pixel_runs.cl.
#define convert_longV CAT(convert_long, VW)

// The run of VW output pixels of this work-item of a forward kernel, NDRange (OH * ceil(OW/VW) rounded up to
// LOCAL_SIZE, planes): its plane, output row, first column and number of pixels, 0 for a work-item past the runs.
typedef struct {
    long plane;
    int oh, ow0, count;
} OutputRun;

inline OutputRun outputRun(const int OH, const int OW) {
    const int runs = (OW + VW - 1) / VW;
    const int id = get_global_id(0);
    OutputRun r;
    r.plane = get_global_id(1);
    r.oh = id / runs;
    r.ow0 = id % runs * VW;
    r.count = id < OH * runs ? min(VW, OW - r.ow0) : 0;
    return r;
}

// The input element of this work-item of a backward kernel, NDRange (H*W rounded up to LOCAL_SIZE, planes): its
// plane, its index ih*W + iw within the plane, and ih and iw.
typedef struct {
    long plane;
    int here, ih, iw;
} InputElement;

// Sets e to this work-item's input element, or returns false for a work-item past the plane.
inline bool inputElement(const int H, const int W, InputElement* e) {
    e->here = get_global_id(0);
    if (e->here >= H * W) {
        return false;
    }
    e->plane = get_global_id(1);
    e->iw = e->here % W;
    e->ih = e->here / W;
    return true;
}

// The arguments every kernel takes after its buffers, as PoolGeometry.window sets them: the plane, the output and
// the window.
#define WINDOW_ARGS const int H, const int W, const int OH, const int OW, const int KH, const int KW, const int SH, \
    const int SW, const int PH, const int PW
// Then max pooling's dilation.
#define MAX_WINDOW_ARGS WINDOW_ARGS, const int DH, const int DW
// Or average pooling's bottom and right padding and divisor settings.
#define AVG_WINDOW_ARGS WINDOW_ARGS, const int PB, const int PR, const int countIncludePad, const int divisorOverride

#ifndef INDICES
#define INDICES 1 // 0: max pooling neither tracks nor writes its argmax indices (the indices argument is unused)
#endif

// Max pooling handles a run of VW output pixels of one row per work-item as vectors, so CPUs compare VW windows
// per instruction. NDRange (OH * ceil(OW/VW) rounded up to LOCAL_SIZE, planes).
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void maxpool2d(const __global float* restrict x, __global float* restrict y, __global long* restrict indices,
               MAX_WINDOW_ARGS) {
    const OutputRun run = outputRun(OH, OW);
    if (run.count == 0) {
        return;
    }
    const __global float* xp = x + run.plane * H * W;
    const long sh = (long) run.oh * SH - PH;
    // Within the plane once clamped, so 32 bits from here on.
    const int ih0 = min(firstTapInside(sh, DH), (long) H);
    const int ih1 = min(sh + (long) (KH - 1) * DH + 1, (long) H);
    // An all -inf window reports its first tap; NaN wins over any number, and a later NaN over an earlier one.
    int first[VW];
    for (int e = 0; e < VW; e++) {
        const long column = (long) (run.ow0 + min(e, run.count - 1)) * SW - PW;
        first[e] = ih0 * W + (int) min(firstTapInside(column, DW), (long) W);
    }
    intV best = vloadV(0, first);
    const intV lane = laneIndices();
    floatV max = (floatV) -INFINITY;
    for (int ih = ih0; ih < ih1; ih += DH) {
        const __global float* xr = xp + ih * W;
        for (int j = 0; j < KW; j++) {
            // Column of the run's first pixel; the others are SW further each, so none is left of the row's end.
            const long c0 = (long) run.ow0 * SW - PW + (long) j * DW;
            if (c0 >= W) {
                break;
            }
            floatV v;
            intV at;
            if (run.count == VW && c0 >= 0 && c0 + (long) (VW - 1) * SW < W) {
                at = (int) c0 + SW * lane;
                v = loadRow(xr, c0, SW, W, true);
            } else {
                float lanes[VW];
                int cols[VW];
                for (int e = 0; e < VW; e++) {
                    const long c = c0 + (long) e * SW;
                    const bool ok = e < run.count && c >= 0 && c < W;
                    lanes[e] = ok ? xr[c] : -INFINITY;
                    cols[e] = ok ? (int) c : 0;
                }
                v = vloadV(0, lanes);
                at = vloadV(0, cols);
            }
            const intV take = (v > max) | isnan(v);
            max = select(max, v, take);
#if INDICES
            best = select(best, ih * W + at, take);
#endif
        }
    }
    const long o = run.plane * OH * OW + (long) run.oh * OW + run.ow0;
    if (run.count == VW) {
        vstoreV(max, 0, y + o);
#if INDICES
        vstoreV(convert_longV(best), 0, indices + o);
#endif
    } else {
        float m[VW];
        int b[VW];
        vstoreV(max, 0, m);
        vstoreV(best, 0, b);
        for (int e = 0; e < run.count; e++) {
            y[o + e] = m[e];
#if INDICES
            indices[o + e] = b[e];
#endif
        }
    }
}

// dx[plane, ih, iw] = sum of dy over the outputs whose recorded index is (ih, iw).
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void maxpool2d_backward(const __global float* restrict dy, const __global long* restrict indices,
                        __global float* restrict dx, MAX_WINDOW_ARGS) {
    InputElement in;
    if (!inputElement(H, W, &in)) {
        return;
    }
    const long outBase = in.plane * OH * OW;
    float acc = 0.0f;
    FOR_EACH_WINDOW_OF(in.ih, in.iw, KH, KW, SH, SW, PH, PW, DH, DW, 0, OH, OW,
        const long o = outBase + (long) oh * OW + ow;
        if (indices[o] == in.here) {
            acc += dy[o];
        }
    )
    dx[in.plane * H * W + in.here] = acc;
}

// Whether input coordinate x is read by one of the K taps of output o along an axis.
inline bool isTap(const long x, const int o, const int S, const int P, const int D, const int K) {
    const long t = x - ((long) o * S - P);
    return t >= 0 && t % D == 0 && t / D < K;
}

// Sets bad[0] to 1 where an index (ih*W + iw) is not a tap of its own output element's window, so that the
// gathering gradient neither drops it (outside the plane) nor sends it elsewhere (indices of another input shape).
// The same arguments as maxpool2d, with the indices and the flag in place of x, y and indices.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void maxpool2d_check_indices(const __global long* restrict indices, __global long* restrict bad, MAX_WINDOW_ARGS) {
    const int o = get_global_id(0);
    if (o >= OH * OW) {
        return;
    }
    const long index = indices[get_global_id(1) * OH * OW + o];
    if (index < 0 || index >= (long) H * W || !isTap(index / W, o / OW, SH, PH, DH, KH)
            || !isTap(index % W, o % OW, SW, PW, DW, KW)) {
        bad[0] = 1;
    }
}

// The input rows [ih0, ih1) and columns [iw0, iw1) of average window (oh, ow), and its divisor.
typedef struct {
    int ih0, ih1, iw0, iw1;
    float divisor;
} avg_window;

// With countIncludePad the divisor counts the window within the padded extent [-PH, H + PB) x [-PW, W + PR).
avg_window avg_window_of(const int oh, const int ow, const int H, const int W, const int KH, const int KW,
                         const int SH, const int SW, const int PH, const int PW, const int PB, const int PR,
                         const int countIncludePad, const int divisorOverride) {
    // In 64 bits, as PyTorch: oh*SH passes 2^31 for a huge stride, a 65537 x 65537 window's size passes 2^31.
    const long ih0 = (long) oh * SH - PH;
    const long iw0 = (long) ow * SW - PW;
    const long ih1 = min(ih0 + KH, (long) H + PB);
    const long iw1 = min(iw0 + KW, (long) W + PR);
    avg_window a;
    a.ih0 = max(ih0, 0L);
    a.iw0 = max(iw0, 0L);
    a.ih1 = min(ih1, (long) H);
    a.iw1 = min(iw1, (long) W);
    a.divisor = divisorOverride != 0 ? divisorOverride
            : countIncludePad ? (ih1 - ih0) * (iw1 - iw0) : (long) (a.ih1 - a.ih0) * (a.iw1 - a.iw0);
    return a;
}

// The average of window (oh, ow) of plane xp, 0 for a window wholly in the padding.
inline float averageOf(const __global float* xp, const int oh, const int ow, const int H, const int W, const int KH,
                       const int KW, const int SH, const int SW, const int PH, const int PW, const int PB,
                       const int PR, const int countIncludePad, const int divisorOverride) {
    const avg_window a = avg_window_of(oh, ow, H, W, KH, KW, SH, SW, PH, PW, PB, PR, countIncludePad,
                                       divisorOverride);
    float sum = 0.0f;
    for (int ih = a.ih0; ih < a.ih1; ih++) {
        for (int iw = a.iw0; iw < a.iw1; iw++) {
            sum += xp[ih * W + iw];
        }
    }
    return (a.ih0 >= a.ih1 || a.iw0 >= a.iw1) ? 0.0f : sum / a.divisor;
}

// As max pooling, a run of VW output pixels of one row per work-item: where all VW windows lie inside the plane,
// their sums are vectors and their divisor is the window's size (or the override); elsewhere pixel by pixel.
// NDRange (OH * ceil(OW/VW) rounded up to LOCAL_SIZE, planes).
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void avgpool2d(const __global float* restrict x, __global float* restrict y, AVG_WINDOW_ARGS) {
    const OutputRun run = outputRun(OH, OW);
    if (run.count == 0) {
        return;
    }
    const __global float* xp = x + run.plane * H * W;
    const long o = run.plane * OH * OW + (long) run.oh * OW + run.ow0;
    const long ih0 = (long) run.oh * SH - PH;
    const long c0 = (long) run.ow0 * SW - PW;
    if (run.count == VW && ih0 >= 0 && ih0 + KH <= H && c0 >= 0 && c0 + (long) (VW - 1) * SW + KW <= W) {
        floatV sum = (floatV) 0.0f;
        for (int i = 0; i < KH; i++) {
            const __global float* xr = xp + (ih0 + i) * W;
            for (int j = 0; j < KW; j++) {
                sum += loadRow(xr, (int) c0 + j, SW, W, true);
            }
        }
        vstoreV(sum / (float) (divisorOverride != 0 ? divisorOverride : KH * KW), 0, y + o);
        return;
    }
    for (int e = 0; e < run.count; e++) {
        y[o + e] = averageOf(xp, run.oh, run.ow0 + e, H, W, KH, KW, SH, SW, PH, PW, PB, PR, countIncludePad,
                             divisorOverride);
    }
}

// dx[plane, ih, iw] = sum over the windows holding (ih, iw) of dy / divisor.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void avgpool2d_backward(const __global float* restrict dy, __global float* restrict dx, AVG_WINDOW_ARGS) {
    InputElement in;
    if (!inputElement(H, W, &in)) {
        return;
    }
    const __global float* dyp = dy + in.plane * OH * OW;
    float acc = 0.0f;
    FOR_EACH_WINDOW_OF(in.ih, in.iw, KH, KW, SH, SW, PH, PW, 1, 1, 0, OH, OW,
        const avg_window a = avg_window_of(oh, ow, H, W, KH, KW, SH, SW, PH, PW, PB, PR, countIncludePad,
                                           divisorOverride);
        acc += dyp[oh * OW + ow] / a.divisor;
    )
    dx[in.plane * H * W + in.here] = acc;
}
