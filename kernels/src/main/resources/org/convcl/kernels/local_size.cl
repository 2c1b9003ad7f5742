// The one-dimensional kernels: one work-item per element, the NDRange rounded up to LOCAL_SIZE, the tail guarded.

#ifndef LOCAL_SIZE
#define LOCAL_SIZE 64 // work-items per group
#endif
