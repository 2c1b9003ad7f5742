/**
 * The OpenCL backend: {@link org.convcl.opencl.OpenClBackend} with host and device tensors,
 * {@link org.convcl.opencl.Devices} for discovery and choice, and {@link org.convcl.opencl.BackendOptions} for tuning,
 * tests and benchmarks. Its sub-packages {@code runtime}, {@code ops} and {@code tuning} are internal: public only so
 * that the layers and the benchmarks module can reach each other, and free to change.
 */
package org.convcl.opencl;
