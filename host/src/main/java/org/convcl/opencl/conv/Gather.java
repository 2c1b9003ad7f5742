package org.convcl.opencl.conv;

import org.convcl.opencl.tuning.SgemmConfig;

/**
 * How the implicit GEMM gathers its B from the input images: the build defines of {@code sgemm_blocked.cl} and
 * {@code conv_gather.cl} it takes.
 *
 * @param wideWindow whether window coordinates are 64-bit, where a padded extent passes 2^31 - 1
 * @param twoRuns    whether the blocked kernel loads a panel vector that spans two output rows, or reaches into the
 *                   padding, as two runs (at stride 1 or 2 along the width)
 * @param tapTable   whether each work-group first tabulates the two runs of every window tap, shared by every
 *                   channel; the table holds {@link SgemmConfig.Blocked#MAX_TABLE_TAPS}, so that one program serves
 *                   every window
 */
record Gather(boolean wideWindow, boolean twoRuns, boolean tapTable) {
    static final Gather NONE = new Gather(false, false, false);

    /** The tabulated runs are the two-run gather's, with 32-bit coordinates. */
    Gather {
        if (tapTable && (!twoRuns || wideWindow)) {
            throw new IllegalArgumentException("gather: the tap table needs the two-run gather with 32-bit"
                    + " coordinates");
        }
    }

    String defines() {
        return (wideWindow ? " -DWIDE_WINDOW" : "") + (twoRuns ? " -DTWO_RUNS" : "")
                + (tapTable ? " -DTAP_TABLE=" + SgemmConfig.Blocked.MAX_TABLE_TAPS : "");
    }
}
