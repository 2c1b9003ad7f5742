// Max and average pooling over NCHW planes and their gradients, with PyTorch's windows: implicit -inf (max) or
// zero (average) padding, dilation for max pooling, ceil mode handled by the host's output size, NaN propagating.
// PH and PW are the top and left padding; the bottom and right ones, PB and PR, matter only to the average divisor.
// Forward kernels: one work-item per output element, NDRange (planes*OH*OW rounded up to LOCAL_SIZE).
// Backward kernels gather, one work-item per input element (adjoint_window.cl). Indices are ih*W + iw within each
// plane.

__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void maxpool2d(const __global float* restrict x, __global float* restrict y, __global long* restrict indices,
               const long total, const int H, const int W, const int OH, const int OW,
               const int KH, const int KW, const int SH, const int SW, const int PH, const int PW,
               const int DH, const int DW) {
    const long o = get_global_id(0);
    if (o >= total) {
        return;
    }
    const int ow = o % OW;
    const int oh = (o / OW) % OH;
    const long plane = o / ((long) OW * OH);
    const __global float* xp = x + plane * H * W;
    // The window's taps in 64 bits: in ceil mode with a huge stride or dilation they can pass 2^31.
    long ih0 = (long) oh * SH - PH;
    long iw0 = (long) ow * SW - PW;
    const long ih1 = min(ih0 + (long) (KH - 1) * DH + 1, (long) H);
    const long iw1 = min(iw0 + (long) (KW - 1) * DW + 1, (long) W);
    while (ih0 < 0) {
        ih0 += DH;
    }
    while (iw0 < 0) {
        iw0 += DW;
    }
    // An all -inf window reports its first tap; NaN wins over any number.
    long best = ih0 * W + iw0;
    float max = -INFINITY;
    for (long ih = ih0; ih < ih1; ih += DH) {
        for (long iw = iw0; iw < iw1; iw += DW) {
            const float v = xp[ih * W + iw];
            if (v > max || isnan(v)) {
                max = v;
                best = ih * W + iw;
            }
        }
    }
    y[o] = max;
    indices[o] = best;
}

// dx[plane, ih, iw] = sum of dy over the outputs whose recorded index is (ih, iw).
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void maxpool2d_backward(const __global float* restrict dy, const __global long* restrict indices,
                        __global float* restrict dx, const long total, const int H, const int W, const int OH,
                        const int OW, const int KH, const int KW, const int SH, const int SW, const int PH,
                        const int PW, const int DH, const int DW) {
    const long e = get_global_id(0);
    if (e >= total) {
        return;
    }
    const int iw = e % W;
    const int ih = (e / W) % H;
    const long plane = e / ((long) W * H);
    const long here = (long) ih * W + iw;
    const long outBase = plane * OH * OW;
    float acc = 0.0f;
    for (int i = 0; i < KH; i++) {
        const int oh = adjointOutput(ih, i, SH, PH, DH, 0, OH);
        if (oh < 0) {
            continue;
        }
        for (int j = 0; j < KW; j++) {
            const int ow = adjointOutput(iw, j, SW, PW, DW, 0, OW);
            if (ow < 0) {
                continue;
            }
            const long o = outBase + (long) oh * OW + ow;
            if (indices[o] == here) {
                acc += dy[o];
            }
        }
    }
    dx[e] = acc;
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
void maxpool2d_check_indices(const __global long* restrict indices, __global long* restrict bad, const long total,
                             const int H, const int W, const int OH, const int OW, const int KH, const int KW,
                             const int SH, const int SW, const int PH, const int PW, const int DH, const int DW) {
    const long o = get_global_id(0);
    if (o >= total) {
        return;
    }
    const long index = indices[o];
    if (index < 0 || index >= (long) H * W || !isTap(index / W, (o / OW) % OH, SH, PH, DH, KH)
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

__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void avgpool2d(const __global float* restrict x, __global float* restrict y, const long total, const int H,
               const int W, const int OH, const int OW, const int KH, const int KW, const int SH, const int SW,
               const int PH, const int PW, const int PB, const int PR, const int countIncludePad,
               const int divisorOverride) {
    const long o = get_global_id(0);
    if (o >= total) {
        return;
    }
    const int ow = o % OW;
    const int oh = (o / OW) % OH;
    const __global float* xp = x + (o / ((long) OW * OH)) * H * W;
    const avg_window a = avg_window_of(oh, ow, H, W, KH, KW, SH, SW, PH, PW, PB, PR, countIncludePad,
                                       divisorOverride);
    float sum = 0.0f;
    for (int ih = a.ih0; ih < a.ih1; ih++) {
        for (int iw = a.iw0; iw < a.iw1; iw++) {
            sum += xp[ih * W + iw];
        }
    }
    y[o] = (a.ih0 >= a.ih1 || a.iw0 >= a.iw1) ? 0.0f : sum / a.divisor;
}

// dx[plane, ih, iw] = sum over the windows holding (ih, iw) of dy / divisor.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void avgpool2d_backward(const __global float* restrict dy, __global float* restrict dx, const long total,
                        const int H, const int W, const int OH, const int OW, const int KH, const int KW,
                        const int SH, const int SW, const int PH, const int PW, const int PB, const int PR,
                        const int countIncludePad, const int divisorOverride) {
    const long e = get_global_id(0);
    if (e >= total) {
        return;
    }
    const int iw = e % W;
    const int ih = (e / W) % H;
    const __global float* dyp = dy + (e / ((long) W * H)) * OH * OW;
    float acc = 0.0f;
    for (int i = 0; i < KH; i++) {
        const int oh = adjointOutput(ih, i, SH, PH, 1, 0, OH);
        if (oh < 0) {
            continue;
        }
        for (int j = 0; j < KW; j++) {
            const int ow = adjointOutput(iw, j, SW, PW, 1, 0, OW);
            if (ow < 0) {
                continue;
            }
            const avg_window a = avg_window_of(oh, ow, H, W, KH, KW, SH, SW, PH, PW, PB, PR, countIncludePad,
                                               divisorOverride);
            acc += dyp[oh * OW + ow] / a.divisor;
        }
    }
    dx[e] = acc;
}
