package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The build settings of the kernels that handle output pixels in runs of VW ({@code pixel_runs.cl}): the im2col
 * kernels and the direct convolution.
 */
final class PixelRuns {
    /** Output pixels per work-item, and work-items per group along the runs. */
    static final int VW = 8;
    static final int LOCAL_X = 32;
    static final String DEFINES = defines(VW);

    private PixelRuns() {
    }

    /** Runs per output row; the last may be partial. */
    static long perRow(Conv2dShape s) {
        return perRow(s, VW);
    }

    /** Runs of {@code width} pixels per output row. */
    static long perRow(Conv2dShape s, int width) {
        return (s.ow() + width - 1) / width;
    }

    /** The build settings with runs of {@code width} pixels. */
    static String defines(int width) {
        return "-DVW=" + width + " -DLOCAL_X=" + LOCAL_X;
    }

    /** Refuses a device that cannot run work-groups of LOCAL_X x localY work-items. */
    static void requireGroup(DeviceInfo d, int localY, String kernels) {
        if (d.maxWorkGroupSize() < (long) LOCAL_X * localY || d.maxWorkItemSizes()[0] < LOCAL_X
                || d.maxWorkItemSizes()[1] < localY) {
            throw new IllegalArgumentException("device " + d.name() + ": max work-group size " + d.maxWorkGroupSize()
                    + " is below the " + LOCAL_X + " x " + localY + " the " + kernels + " need");
        }
    }
}
