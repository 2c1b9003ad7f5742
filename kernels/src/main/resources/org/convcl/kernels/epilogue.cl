// What every conv2d kernel does to a sum before storing it, and the standalone activation kernels' function:
//   y = activation(acc + bias + residual)
// The function and its parameters are kernel arguments (actKind, actA, actB), so every activation other than the
// identity runs on one program built with ACTIVATED: a first call with another activation builds nothing more. The
// kinds:
//   0 identity
//   1 ReLU             z < 0 ? 0 : z                          (NaN stays NaN, as torch.relu)
//   2 clamp(a, b)      z < a ? a : z > b ? b : z               (NaN stays NaN, as torch.clamp)
//   3 leaky ReLU(a)    z > 0 ? z : z * a
// Where addResidual is not 0, residual[i] is added for output element i (the residual is laid out like the output).
// Gradients are taken from the output y, which is enough for these functions (see Activation.java for the ties).

// The arguments each conv2d kernel takes after its bias, whatever the defines: a residual laid out like the
// output (any buffer where it is not added), whether it is added, and the activation (its kind, clamp bounds or
// leaky slope). Whether the residual is added is an argument, not a define, as it costs one uniform branch per
// stored value: one program serves calls with and without.
#define EPILOGUE_ARGS const __global float* restrict residual, const int addResidual, const int actKind, \
                      const float actA, const float actB

// The activation k of z, a float or a vector of floats; ?: works element-wise on vectors, and unlike fmax/fmin it
// keeps a NaN. Built without ACTIVATED, a kernel stores its sums as they are: the identity, the common case, pays
// nothing for the other functions' selects.
#ifdef ACTIVATED
#define ACTIVATE(z, k, a, b) ((k) == 1 ? ((z) < 0.0f ? 0.0f : (z)) \
                              : (k) == 2 ? ((z) < (a) ? (a) : (z) > (b) ? (b) : (z)) \
                              : (k) == 3 ? ((z) > 0.0f ? (z) : (z) * (a)) : (z))
#else
#define ACTIVATE(z, k, a, b) (z)
#endif

// The gradient with respect to the activation's input, from dy and the output y; 0 where blocked, even for an
// infinite or NaN dy, as PyTorch.
#ifdef ACTIVATED
#define ACTIVATION_GRADIENT(dy, y, k, a, b) ((k) == 1 ? ((y) <= 0.0f ? 0.0f : (dy)) \
                                             : (k) == 2 ? ((y) > (a) && (y) < (b) ? (dy) : 0.0f) \
                                             : (k) == 3 ? ((y) > 0.0f ? (dy) : (dy) * (a)) : (dy))
#else
#define ACTIVATION_GRADIENT(dy, y, k, a, b) (dy)
#endif

// v plus the residual that load reads (a float or a vector, guarded as the kernel needs) where add is not 0; v
// itself otherwise, reading nothing and adding nothing (not even 0, which turns -0 to 0).
#define PLUS_RESIDUAL(add, v, load) ((add) ? (v) + (load) : (v))

// y = activation(v + residual) for one output element whose residual, added where add is not 0, is at r.
inline float epilogue(const float v, const int add, const __global float* r, const int k, const float a,
                      const float b) {
    const float z = PLUS_RESIDUAL(add, v, *r);
    return ACTIVATE(z, k, a, b);
}
