/**
 * The OpenCL backend: {@link org.convcl.opencl.OpenClBackend} with host and device tensors
 * ({@link org.convcl.opencl.DeviceBackend}), {@link org.convcl.opencl.Devices} for discovery and choice, and
 * {@link org.convcl.opencl.BackendOptions} for tuning, tests and benchmarks. Its sub-packages are layers, each using
 * only those below it: {@code conv} (algorithms and planner), {@code ops} (kernel launchers), {@code tuning}
 * (configurations, device classes, thresholds) and {@code runtime} (context, buffers, launches; also
 * {@link org.convcl.opencl.device.DeviceInfo} and {@link org.convcl.opencl.device.ConvclException}, which the API
 * returns and throws). They are internal but for those two: public only so that the layers and the benchmarks module
 * can reach each other, and free to change.
 */
package org.convcl.opencl;

import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.device.DeviceInfo;
