package org.convcl.opencl.conv;

import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.runtime.DeviceBuffer;

/** The NCHW tensors of a convolution as GEMM operands: each image's channel planes, a group's in a row. */
final class ConvGemms {
    private ConvGemms() {
    }

    /** Planes of {@code plane} pixels, {@code channels} an image and {@code perGroup} a group; b null in plans. */
    static Sgemm.Operand planes(DeviceBuffer b, long plane, int channels, int perGroup) {
        return new Sgemm.Operand(b, 0, (int) plane, channels * plane, perGroup * plane);
    }

    /** The output y (N, K, OH, OW): per image and group a (K/G x OH*OW) matrix. */
    static Sgemm.Operand output(DeviceBuffer y, Conv2dShape s) {
        return planes(y, s.outputPlane(), s.k(), s.kPerGroup());
    }
}
