// im2col for a batch of NCHW images.
// col is (images, C*KH*KW, rows*OW): row (c*KH + i)*KW + j, column (oh - oh0)*OW + ow holds
// x[n, c, oh*SH - PH + i*DH, ow*SW - PW + j*DW], or 0 where that falls in the zero padding.
// Only output rows [oh0, oh0 + rows) are produced, so a huge image can be lowered in slices.
// NDRange: (columns rounded up to the local size, C, images); each work-item writes its column's KH*KW rows of one
// channel, so the index arithmetic is done once per output pixel and CPU runtimes see few, large work-groups.

#ifndef LOCAL_SIZE
#define LOCAL_SIZE 64 // work-items per group along the columns
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
    const int c = get_global_id(1);
    const int image = get_global_id(2);
    const int oh = oh0 + column / OW;
    const int ow = column % OW;
    const __global float* plane = x + xOffset + ((long) image * C + c) * H * W;
    __global float* out = col + (((long) image * C + c) * KH * KW) * cols + column;
    for (int i = 0; i < KH; i++) {
        const int ih = oh * SH - PH + i * DH;
        for (int j = 0; j < KW; j++) {
            const int iw = ow * SW - PW + j * DW;
            out[(i * KW + j) * cols] = ih >= 0 && ih < H && iw >= 0 && iw < W ? plane[ih * W + iw] : 0.0f;
        }
    }
}
