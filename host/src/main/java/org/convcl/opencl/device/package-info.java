/**
 * What the OpenCL backend says of devices, at the bottom of its layers so that every layer can use it:
 * {@link org.convcl.opencl.device.DeviceInfo}, a device's description and limits as plain values, and
 * {@link org.convcl.opencl.device.ConvclException}, a failure of the OpenCL runtime.
 */
package org.convcl.opencl.device;
