package org.convcl.opencl.conv;

import org.convcl.opencl.ops.Epilogue;
import org.convcl.opencl.runtime.DeviceBuffer;

/**
 * The buffers of one forward convolution.
 *
 * @param x        (N, C, H, W)
 * @param w        (K, C/G, KH, KW)
 * @param bias     (K) or null
 * @param epilogue the activation, and the residual laid out like y or none
 * @param y        (N, K, OH, OW), written in full
 */
public record ConvOperands(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Epilogue epilogue, DeviceBuffer y) {
}
