// Vectors of VW floats. VW comes from the build options or from the default of the part that owns it, which may
// follow this one: these macros expand where they are used.
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VW)
#define vloadV CAT(vload, VW)
#define vstoreV CAT(vstore, VW)
// The even lanes of the 2*VW floats at p: a stride-2 run of VW pixels from contiguous loads, one of 2*VW floats, or
// two of 16 where VW is 16 (OpenCL has no wider vector).
#define EVENS_2(p) vload4(0, p).even
#define EVENS_4(p) vload8(0, p).even
#define EVENS_8(p) vload16(0, p).even
#define EVENS_16(p) ((float16)(vload16(0, p).even, vload16(1, p).even))
#define vloadEvensV(p) CAT(EVENS_, VW)(p)

// Vectors of VW ints, and (0, 1, ..., VW - 1) as one.
#define intV CAT(int, VW)
#define LANES_2 (int2)(0, 1)
#define LANES_4 (int4)(0, 1, 2, 3)
#define LANES_8 (int8)(0, 1, 2, 3, 4, 5, 6, 7)
#define LANES_16 (int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define laneIndices() CAT(LANES_, VW)

// The lanes of a and b interleaved, (a0, b0, a1, b1, ...): from their first halves (ZIP_LO) or their second (ZIP_HI).
// Listed lane by lane, each compiles to one two-vector shuffle (vpermt2ps with AVX-512); built from halves of
// halves, the same zips took extracts and inserts.
#define ZIP_LO_2(a, b) (float2)((a).s0, (b).s0)
#define ZIP_HI_2(a, b) (float2)((a).s1, (b).s1)
#define ZIP_LO_4(a, b) (float4)((a).s0, (b).s0, (a).s1, (b).s1)
#define ZIP_HI_4(a, b) (float4)((a).s2, (b).s2, (a).s3, (b).s3)
#define ZIP_LO_8(a, b) \
    (float8)((a).s0, (b).s0, (a).s1, (b).s1, (a).s2, (b).s2, (a).s3, (b).s3)
#define ZIP_HI_8(a, b) \
    (float8)((a).s4, (b).s4, (a).s5, (b).s5, (a).s6, (b).s6, (a).s7, (b).s7)
#define ZIP_LO_16(a, b) \
    (float16)((a).s0, (b).s0, (a).s1, (b).s1, (a).s2, (b).s2, (a).s3, (b).s3, \
              (a).s4, (b).s4, (a).s5, (b).s5, (a).s6, (b).s6, (a).s7, (b).s7)
#define ZIP_HI_16(a, b) \
    (float16)((a).s8, (b).s8, (a).s9, (b).s9, (a).sA, (b).sA, (a).sB, (b).sB, \
              (a).sC, (b).sC, (a).sD, (b).sD, (a).sE, (b).sE, (a).sF, (b).sF)
#define zipLoV CAT(ZIP_LO_, VW)
#define zipHiV CAT(ZIP_HI_, VW)

// The R vectors m[0..R) (R a power of two up to VW) transposed in registers by runs of R lanes: log2(R) rounds of
// the perfect shuffle, each zipping row i with row i + R/2 into rows 2i and 2i + 1, take lane c of m[r] to lane
// (c % (VW/R))*R + r of m[c / (VW/R)]. Each row then holds VW/R runs of R: lane c's R values, run c % (VW/R). With R =
// VW this is the whole transpose, lane c of m[r] to lane r of m[c]; a narrower R needs fewer rounds of fewer rows.
#define TRANSPOSE_RUNS(m, R) \
    _Pragma("unroll") for (int round_ = 1; round_ < (R); round_ *= 2) { \
        floatV t_[R]; \
        _Pragma("unroll") for (int i_ = 0; i_ < (R) / 2; i_++) { \
            t_[2 * i_] = zipLoV((m)[i_], (m)[i_ + (R) / 2]); \
            t_[2 * i_ + 1] = zipHiV((m)[i_], (m)[i_ + (R) / 2]); \
        } \
        _Pragma("unroll") for (int i_ = 0; i_ < (R); i_++) (m)[i_] = t_[i_]; \
    }

// Only a width from the build options can be wrong, and that one is defined already here; the defaults are valid.
#if defined(VW) && VW != 2 && VW != 4 && VW != 8 && VW != 16
#error "VW must be 2, 4, 8 or 16"
#endif

// Register blocks: every element of a[rows][cols] set to v, or increased by b's, in loops unrolled so that the
// blocks stay in registers.
#define BLOCK_SET(a, rows, cols, v) \
    _Pragma("unroll") for (int r_ = 0; r_ < (rows); r_++) \
        _Pragma("unroll") for (int c_ = 0; c_ < (cols); c_++) (a)[r_][c_] = (v)
#define BLOCK_ADD(a, b, rows, cols) \
    _Pragma("unroll") for (int r_ = 0; r_ < (rows); r_++) \
        _Pragma("unroll") for (int c_ = 0; c_ < (cols); c_++) (a)[r_][c_] += (b)[r_][c_]

// One step of a register-blocked outer product: acc[r][c] += a(r) * b(c) for rows scalars a(r), each broadcast once,
// and cols vectors b(c), each loaded once; A and B are macros of the row and of the column. Every multiply-add of a
// step is independent of the others, so the rows * cols accumulators hide the latency of the adds. The _WHERE form
// leaves out the rows r for which KEEP(r), a constant once unrolled, is false.
#define OUTER_PRODUCT_STEP_WHERE(acc, rows, cols, A, B, KEEP) \
    { \
        floatV b_[cols]; \
        _Pragma("unroll") for (int c_ = 0; c_ < (cols); c_++) b_[c_] = B(c_); \
        _Pragma("unroll") for (int r_ = 0; r_ < (rows); r_++) { \
            if (KEEP(r_)) { \
                const floatV a_ = (floatV) (A(r_)); \
                _Pragma("unroll") for (int c_ = 0; c_ < (cols); c_++) (acc)[r_][c_] = fma(a_, b_[c_], (acc)[r_][c_]); \
            } \
        } \
    }
#define EVERY_ROW(r) 1
#define OUTER_PRODUCT_STEP(acc, rows, cols, A, B) OUTER_PRODUCT_STEP_WHERE(acc, rows, cols, A, B, EVERY_ROW)
