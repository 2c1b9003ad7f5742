// Small data-movement and reduction kernels the backward passes need.
// NDRange for each: (element or row count rounded up to LOCAL_SIZE).

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
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void channel_sums(const __global float* restrict x, __global float* restrict sums, const int N, const int K,
                  const int P) {
    const int k = get_global_id(0);
    if (k >= K) {
        return;
    }
    float acc = 0.0f;
    for (int n = 0; n < N; n++) {
        const __global float* row = x + ((long) n * K + k) * P;
        for (int p = 0; p < P; p++) {
            acc += row[p];
        }
    }
    sums[k] = acc;
}
