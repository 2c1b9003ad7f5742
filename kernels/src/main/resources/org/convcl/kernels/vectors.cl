// Vectors of VW floats. VW comes from the build options or from the default of the part that owns it, which may
// follow this one: these macros expand where they are used.
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VW)
#define vloadV CAT(vload, VW)
#define vstoreV CAT(vstore, VW)

// Only a width from the build options can be wrong, and that one is defined already here; the defaults are valid.
#if defined(VW) && VW != 2 && VW != 4 && VW != 8 && VW != 16
#error "VW must be 2, 4, 8 or 16"
#endif
