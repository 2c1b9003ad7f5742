/**
 * Internal: kernel parameters. {@link org.convcl.opencl.tuning.SgemmConfig} names an SGEMM kernel and its
 * {@code -D} defines, with defaults derived from device queries; {@link org.convcl.opencl.tuning.DeviceClass} and
 * {@link org.convcl.opencl.tuning.ConvPolicy} give each class of device the planner's thresholds;
 * {@link org.convcl.opencl.tuning.TuningCache} keeps what {@code convcl tune} measured per device and driver.
 */
package org.convcl.opencl.tuning;
