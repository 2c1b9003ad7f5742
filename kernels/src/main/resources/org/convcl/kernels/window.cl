// The window a direct kernel walks: the kernel's arguments (KH, KW, SH, SW, DH, DW), or for the common square windows
// without dilation, WINDOW_K taps a side at stride WINDOW_S, fixed at build time so that the taps unroll and the row
// arithmetic folds away (depthwise 3x3 stride 1, N=8 C=256 28x28, side by side: median of five 3.9 against 6.3 ms;
// stride 2 the same). TAP_LOOP is a loop over taps, unrolled where their count is built in.
#ifdef WINDOW_K
#define TAPS_H WINDOW_K
#define TAPS_W WINDOW_K
#define STEP_H WINDOW_S
#define STEP_W WINDOW_S
#define DIL_H 1
#define DIL_W 1
#define TAP_LOOP _Pragma("unroll") for
#else
#define TAPS_H KH
#define TAPS_W KW
#define STEP_H SH
#define STEP_W SW
#define DIL_H DH
#define DIL_W DW
#define TAP_LOOP for
#endif
