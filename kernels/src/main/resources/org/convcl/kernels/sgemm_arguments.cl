// The arguments both SGEMM kernels (sgemm.cl for GPUs, sgemm_blocked.cl for CPUs) take, in the order Sgemm.java sets
// them, written once so that the two kernels and the host cannot drift apart.

// A matrix operand X within a buffer of T: its start, row stride, and strides between batch entries and groups,
// named after x (ldb, bOffset, ... for B).
#define OPERAND_ARGS(T, X, x) \
    T* restrict X, const long x##Offset, const int ld##x, const long x##BatchStride, const long x##GroupStride

// Where operand X's matrix of batch entry b and group g starts.
#define OPERAND_AT(X, x, b, g) (X + x##Offset + (b) * x##BatchStride + (g) * x##GroupStride)

// Under IMPLICIT, B is gathered from NCHW images with this conv geometry (conv_gather.cl).
#ifdef IMPLICIT
#define GEOMETRY_ARGS , const int H, const int W, const int KH, const int KW, const int SH, const int SW, \
    const int PH, const int PW, const int DH, const int DW, const int OW
#else
#define GEOMETRY_ARGS
#endif

// Under FOLD_BATCH the batch lies along N, P columns (pixels) an image.
#ifdef FOLD_BATCH
#define FOLD_ARGS , const int P
#else
#define FOLD_ARGS
#endif

#define SGEMM_ARGS \
    const int M, const int N, const int K, const int groups, \
    const __global float* restrict A, const long aOffset, const long aGroupStride, \
    OPERAND_ARGS(const __global float, B, b), OPERAND_ARGS(__global float, C, c), \
    const __global float* restrict bias, const int hasBias, EPILOGUE_ARGS GEOMETRY_ARGS FOLD_ARGS
