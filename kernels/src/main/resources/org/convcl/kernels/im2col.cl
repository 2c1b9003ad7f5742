// Lowering kernels of conv2d on NCHW images, a run of VW output pixels per work-item where the layout allows.
//
// im2col: col is (images, C*KH*KW, rows*OW): row (c*KH + i)*KW + j, column (oh - oh0)*OW + ow holds
// x[n, c, oh*SH - PH + i*DH, ow*SW - PW + j*DW], or 0 where that falls in the zero padding.
// Only output rows [oh0, oh0 + rows) are produced, so a huge image can be lowered in slices.
// NDRange: (rows * ceil(OW/VW) rounded up to LOCAL_X, C, images); a work-item writes its pixels' KH*KW rows of one
// channel.
//
// im2col_transposed: the same column matrix transposed, (images*rows*OW, C*KH*KW), the layout the weight gradient's
// GEMM reads. Its writes are strided by C*KH*KW whatever the work-item order, so it stays one element per work-item.
// NDRange: (rows*OW rounded up to LOCAL_X, C*KH*KW, images).

// Writes the KH*KW column rows of one channel for the VW pixels from (oh, ow0); n of them are real.
inline void lower(const __global float* xp, __global float* out, const long cols, const int oh, const int ow0,
                  const int n, const int H, const int W, const int KH, const int KW, const int SH, const int SW,
                  const int PH, const int PW, const int DH, const int DW, const bool inside) {
    for (int i = 0; i < KH; i++) {
        const long ih = (long) oh * SH - PH + (long) i * DH;
        for (int j = 0; j < KW; j++) {
            const floatV v = ih >= 0 && ih < H
                    ? loadRow(xp + ih * W, windowColumn(ow0, SW, PW, j, DW, W), SW, W, inside) : (floatV) 0.0f;
            storeRun(v, out + (i * KW + j) * cols, n);
        }
    }
}

// Both kernels' arguments: the images from x + xOffset, the column matrix, the conv geometry and the slice of rows.
#define LOWERING_ARGS \
    const __global float* restrict x, const long xOffset, __global float* restrict col, \
    const int C, const int H, const int W, const int KH, const int KW, \
    const int SH, const int SW, const int PH, const int PW, const int DH, const int DW, \
    const int OW, const int oh0, const int rows

__kernel __attribute__((reqd_work_group_size(LOCAL_X, 1, 1)))
void im2col(LOWERING_ARGS) {
    const int blocks = (OW + VW - 1) / VW;
    const int block = get_global_id(0);
    if (block >= rows * blocks) {
        return;
    }
    const int c = get_global_id(1);
    const int image = get_global_id(2);
    const int oh = oh0 + block / blocks;
    const int ow0 = block % blocks * VW;
    const int n = min(VW, OW - ow0);
    const long cols = (long) rows * OW;
    const __global float* xp = x + xOffset + ((long) image * C + c) * H * W;
    __global float* out = col + ((long) image * C + c) * KH * KW * cols + (oh - oh0) * OW + ow0;
    if (insideRun(ow0, W, KW, SW, PW, DW)) {
        lower(xp, out, cols, oh, ow0, n, H, W, KH, KW, SH, SW, PH, PW, DH, DW, true);
    } else {
        lower(xp, out, cols, oh, ow0, n, H, W, KH, KW, SH, SW, PH, PW, DH, DW, false);
    }
}

__kernel __attribute__((reqd_work_group_size(LOCAL_X, 1, 1)))
void im2col_transposed(LOWERING_ARGS) {
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
    const long ih = (long) (oh0 + column / OW) * SH - PH + (long) i * DH;
    const long iw = (long) (column % OW) * SW - PW + (long) j * DW;
    float v = 0.0f;
    if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
        v = x[xOffset + (((long) image * C + c) * H + ih) * W + iw];
    }
    col[((long) image * cols + column) * (C * KH * KW) + row] = v;
}
