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
