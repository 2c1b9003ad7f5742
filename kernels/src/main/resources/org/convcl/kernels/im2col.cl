// im2col for a batch of NCHW images.
// col is (images, C*KH*KW, rows*OW): row (c*KH + i)*KW + j, column (oh - oh0)*OW + ow holds
// x[n, c, oh*SH - PH + i*DH, ow*SW - PW + j*DW], or 0 where that falls in the zero padding.
// Only output rows [oh0, oh0 + rows) are produced, so a huge image can be lowered in slices.
// With TRANSPOSED, col is (images*rows*OW, C*KH*KW) instead: the layout the weight gradient's GEMM reads.
// NDRange: (columns rounded up to the local size, C*KH*KW, images).

#ifndef LOCAL_SIZE
#define LOCAL_SIZE 64 // work-items per group along the columns
#endif
#ifndef TRANSPOSED
#define TRANSPOSED 0 // 1: write the transposed column matrix
#endif

__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void im2col(const __global float* restrict x, const long xOffset,
            __global float* restrict col,
            const int C, const int H, const int W,
            const int KH, const int KW,
            const int SH, const int SW, const int PH, const int PW, const int DH, const int DW,
            const int OW, const int oh0, const int rows) {
    const int column = get_global_id(0);
    const int cols = rows * OW;
    if (column >= cols) {
        return;
    }
    const int row = get_global_id(1);
    const int image = get_global_id(2);
    const int j = row % KW;
    const int i = (row / KW) % KH;
    const int c = row / (KW * KH);
    const int oh = oh0 + column / OW;
    const int ow = column % OW;
    const int ih = oh * SH - PH + i * DH;
    const int iw = ow * SW - PW + j * DW;
    float v = 0.0f;
    if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
        v = x[xOffset + (((long) image * C + c) * H + ih) * W + iw];
    }
#if TRANSPOSED
    col[((long) image * cols + column) * get_global_size(1) + row] = v;
#else
    col[((long) image * get_global_size(1) + row) * cols + column] = v;
#endif
}
