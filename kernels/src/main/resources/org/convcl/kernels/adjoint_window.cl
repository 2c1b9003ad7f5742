// The gathering adjoint of a windowed op (col2im, pooling gradients): one work-item per input element visits the
// outputs whose windows hold it, so no atomics are needed. Along one axis, tap k of output o reads input
// o*S - P + k*D; conversely input x is read by tap k of output (x + P - k*D) / S where that divides exactly.

// The output in [o0, o1) whose tap k reads input x, or -1 where there is none.
inline int adjointOutput(const int x, const int k, const int S, const int P, const int D, const int o0, const int o1) {
    // In 64 bits: k*D can pass 2^31 for a huge dilation in ceil mode.
    const long t = x + (long) P - (long) k * D;
    if (t < 0 || t % S != 0) {
        return -1;
    }
    const long o = t / S;
    return o >= o0 && o < o1 ? (int) o : -1;
}

// Runs the statements in the last argument for each output (oh, ow) of [oh0, oh1) x [0, OW) whose window's tap
// (i, j) reads input (ih, iw); the statements see i, j, oh and ow. A macro rather than a function, so each gathering
// kernel keeps its loop body inline (POCL does not always inline functions).
#define FOR_EACH_WINDOW_OF(ih, iw, KH, KW, SH, SW, PH, PW, DH, DW, oh0, oh1, OW, ...) \
    for (int i = 0; i < KH; i++) { \
        const int oh = adjointOutput(ih, i, SH, PH, DH, oh0, oh1); \
        if (oh < 0) { \
            continue; \
        } \
        for (int j = 0; j < KW; j++) { \
            const int ow = adjointOutput(iw, j, SW, PW, DW, 0, OW); \
            if (ow < 0) { \
                continue; \
            } \
            __VA_ARGS__ \
        } \
    }
