// col2im by gathering, the adjoint of im2col over a slice of output rows [oh0, oh0 + rows): for column matrices
// col (images, C*KH*KW, rows*OW) as im2col writes them,
//   x[n, c, ih, iw] = sum over the taps (i, j) that read (ih, iw) for an output row in the slice of
//                     col[n, (c*KH + i)*KW + j, (oh - oh0)*OW + ow]
// where ih = oh*SH - PH + i*DH and iw = ow*SW - PW + j*DW. With accumulate the sum is added to x instead, so the
// slices of one image are summed by writing the first and adding the rest. With hasBias, bias[c] is added to every
// element written without accumulate (a transposed convolution's bias), so the first slice brings it.
// NDRange: (H*W rounded up to LOCAL_SIZE, C, images), one work-item per input element, so that it finds its pixel
// with one 32-bit division instead of splitting a 64-bit index.

__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1)))
void col2im(const __global float* restrict col, __global float* restrict x, const long xOffset,
            const int C, const int H, const int W, const int KH, const int KW, const int SH, const int SW,
            const int PH, const int PW, const int DH, const int DW, const int OW, const int oh0, const int rows,
            const int accumulate, const __global float* restrict bias, const int hasBias) {
    const int p = get_global_id(0);
    if (p >= H * W) {
        return;
    }
    const int ih = p / W;
    const int iw = p - ih * W;
    const int c = get_global_id(1);
    const long image = get_global_id(2);
    const long e = (image * C + c) * H * W + p;
    const long cols = (long) rows * OW;
    const __global float* colImage = col + image * C * KH * KW * cols;
    float acc = hasBias && !accumulate ? bias[c] : 0.0f;
    FOR_EACH_WINDOW_OF(ih, iw, KH, KW, SH, SW, PH, PW, DH, DW, oh0, oh0 + rows, OW,
        acc += colImage[((long) (c * KH + i) * KW + j) * cols + (oh - oh0) * OW + ow];
    )
    x[xOffset + e] = accumulate ? x[xOffset + e] + acc : acc;
}
