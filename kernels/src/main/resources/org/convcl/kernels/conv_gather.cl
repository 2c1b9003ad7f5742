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

// Window coordinates: 32-bit, exact while the padded extent of each axis fits an int, else 64-bit (the host builds
// with -DWIDE_WINDOW where a padded extent passes 2^31 - 1).
#ifdef WIDE_WINDOW
typedef long coord;
#define FAR_ABOVE (LONG_MIN / 2)
#else
typedef int coord;
#define FAR_ABOVE (INT_MIN / 2)
#endif

// (ih0, iw0): the input pixel that tap (c, 0, 0) of column col reads. A column past N gets a row far above the
// image, so every tap of it lands in the zero padding and the caller needs no column check.
inline void windowOrigin(const int col, const int N, const int OW, const int SH, const int SW, const int PH,
                         const int PW, coord* ih0, coord* iw0) {
    *ih0 = col < N ? (coord) (col / OW) * SH - PH : FAR_ABOVE;
    *iw0 = (coord) (col % OW) * SW - PW;
}
