// What every conv2d kernel does to a sum before storing it, and the standalone activation kernels' function:
//   y = activation(acc + bias + residual)
// ACTIVATION picks the function at build time; its parameters are kernel arguments, so a new clamp bound or
// leaky slope reuses the built program:
//   0 identity
//   1 ReLU             z < 0 ? 0 : z                          (NaN stays NaN, as torch.relu)
//   2 clamp(a, b)      z < a ? a : z > b ? b : z               (NaN stays NaN, as torch.clamp)
//   3 leaky ReLU(a)    z > 0 ? z : z * a
// With RESIDUAL defined, residual[i] is added for output element i (the residual is laid out like the output).
// Gradients are taken from the output y, which is enough for these functions (see Activation.java for the ties).

#ifndef ACTIVATION
#define ACTIVATION 0 // 0 identity, 1 ReLU, 2 clamp, 3 leaky ReLU
#endif

#if ACTIVATION < 0 || ACTIVATION > 3
#error "ACTIVATION must be 0 (identity), 1 (ReLU), 2 (clamp) or 3 (leaky ReLU)"
#endif

// The arguments each conv2d kernel takes after its bias, whatever the defines: a residual laid out like the
// output (any buffer where RESIDUAL is not defined) and the activation's parameters (clamp bounds, leaky slope).
#define EPILOGUE_ARGS const __global float* restrict residual, const float actA, const float actB

// The activation of z, a float or a vector of floats; ?: works element-wise on vectors, and unlike fmax/fmin it
// keeps a NaN.
#if ACTIVATION == 0
#define ACTIVATE(z, a, b) (z)
#elif ACTIVATION == 1
#define ACTIVATE(z, a, b) ((z) < 0.0f ? 0.0f : (z))
#elif ACTIVATION == 2
#define ACTIVATE(z, a, b) ((z) < (a) ? (a) : (z) > (b) ? (b) : (z))
#else
#define ACTIVATE(z, a, b) ((z) > 0.0f ? (z) : (z) * (a))
#endif

// The gradient with respect to the activation's input, from dy and the output y; 0 where blocked, even for an
// infinite or NaN dy, as PyTorch.
#if ACTIVATION == 0
#define ACTIVATION_GRADIENT(dy, y, a, b) (dy)
#elif ACTIVATION == 1
#define ACTIVATION_GRADIENT(dy, y, a, b) ((y) <= 0.0f ? 0.0f : (dy))
#elif ACTIVATION == 2
#define ACTIVATION_GRADIENT(dy, y, a, b) ((y) > (a) && (y) < (b) ? (dy) : 0.0f)
#else
#define ACTIVATION_GRADIENT(dy, y, a, b) ((y) > 0.0f ? (dy) : (dy) * (a))
#endif

// v plus the residual that load reads (a float or a vector, guarded as the kernel needs) where RESIDUAL is defined;
// v itself without, so a kernel built without it reads nothing and adds nothing (not even 0, which turns -0 to 0).
#ifdef RESIDUAL
#define PLUS_RESIDUAL(v, load) ((v) + (load))
#else
#define PLUS_RESIDUAL(v, load) (v)
#endif

// y = activation(v + residual) for one output element whose residual is at r.
inline float epilogue(const float v, const __global float* r, const float a, const float b) {
    const float z = PLUS_RESIDUAL(v, *r);
    return ACTIVATE(z, a, b);
}
