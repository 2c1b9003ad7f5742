// Small data-movement and reduction kernels the backward passes need, and the standalone activation (epilogue.cl's).
// NDRange for each: (element count rounded up to LOCAL_SIZE), unless it says otherwise.

// out (D0, D1, D2), contiguous, from in[offset + i*S0 + j*S1 + k*S2]: any permutation of a 3-D view.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void permute3(const __global float* restrict in, const long offset, __global float* restrict out,
              const int D0, const int D1, const int D2, const long S0, const long S1, const long S2) {
    const long e = get_global_id(0);
    if (e >= (long) D0 * D1 * D2) {
        return;
    }
    const long k = e % D2;
    const long j = (e / D2) % D1;
    const long i = e / ((long) D2 * D1);
    out[e] = in[offset + i * S0 + j * S1 + k * S2];
}

// y[e] += x[e] for e < total.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void add_inplace(__global float* restrict y, const __global float* restrict x, const long total) {
    const long e = get_global_id(0);
    if (e < total) {
        y[e] += x[e];
    }
}

// sums[k] = sum over n < N, p < P of x[(n*K + k)*P + p]: per-channel sums of an (N, K, P) tensor.
// NDRange: (LOCAL_SIZE, K): a work-group per channel, whose work-items sum interleaved shares of each row (adjacent
// work-items read adjacent floats) and then add their shares in a tree, instead of one work-item walking N*P floats.
#if LOCAL_SIZE & (LOCAL_SIZE - 1)
#error "channel_sums adds its shares in a tree: LOCAL_SIZE must be a power of two"
#endif
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void channel_sums(const __global float* restrict x, __global float* restrict sums, const int N, const int K,
                  const int P) {
    const int t = get_local_id(0);
    const int k = get_global_id(1);
    float acc = 0.0f;
    for (int n = 0; n < N; n++) {
        const __global float* row = x + ((long) n * K + k) * P;
        for (int p = t; p < P; p += LOCAL_SIZE) {
            acc += row[p];
        }
    }
    __local float shares[LOCAL_SIZE];
    shares[t] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int span = LOCAL_SIZE / 2; span > 0; span /= 2) {
        if (t < span) {
            shares[t] += shares[t + span];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t == 0) {
        sums[k] = shares[0];
    }
}

// y[e] = activation(x[e]) for e < total; y may be x (in place), so neither is restrict.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void activation(const __global float* x, __global float* y, const long total, const int actKind, const float actA,
                const float actB) {
    const long e = get_global_id(0);
    if (e < total) {
        const float z = x[e];
        y[e] = ACTIVATE(z, actKind, actA, actB);
    }
}

// dz[e] = the activation's gradient from dy[e] and its output y[e], for e < total; dz may be dy or y.
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void activation_backward(const __global float* dy, const __global float* y, __global float* dz, const long total,
                         const int actKind, const float actA, const float actB) {
    const long e = get_global_id(0);
    if (e < total) {
        const float g = dy[e];
        const float v = y[e];
        dz[e] = ACTIVATION_GRADIENT(g, v, actKind, actA, actB);
    }
}
