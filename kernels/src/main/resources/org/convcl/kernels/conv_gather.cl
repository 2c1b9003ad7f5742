// Where the implicit GEMMs find conv2d's column matrix in the NCHW input: row (c*KH + i)*KW + j, column oh*OW + ow
// of the matrix im2col would write is
//   x[c, oh*SH - PH + i*DH, ow*SW - PW + j*DW], or 0 in the zero padding.
// A row names a tap (c, i, j) of the window, a column the window's top-left corner (the origin) in the input.

typedef struct {
    int c, i, j;
} Tap;

inline Tap tapOf(const int row, const int KH, const int KW) {
    const Tap t = {row / (KH * KW), row / KW % KH, row % KW};
    return t;
}

// The tap of the next row, without dividing: j runs fastest, then i, then c.
inline void nextTap(Tap* t, const int KH, const int KW) {
    if (++t->j == KW) {
        t->j = 0;
        if (++t->i == KH) {
            t->i = 0;
            t->c++;
        }
    }
}

// (ih0, iw0): the input pixel that tap (c, 0, 0) of column col reads. A column past N gets a row far above the
// image, so every tap of it lands in the zero padding and the caller needs no column check.
inline int2 windowOrigin(const int col, const int N, const int OW, const int SH, const int SW, const int PH,
                         const int PW) {
    return (int2) (col < N ? col / OW * SH - PH : INT_MIN / 2, col % OW * SW - PW);
}
