package org.convcl.host;

/**
 * Compile-time parameters of {@code sgemm.cl}: a TSM x TSN tile of C per work-group, TSK-deep local tiles, and
 * WPTM x WPTN results per work-item. The work-group is (TSN/WPTN) x (TSM/WPTM).
 */
public record SgemmConfig(int tsm, int tsn, int tsk, int wptm, int wptn) {

    public SgemmConfig {
        if (tsm < 1 || tsn < 1 || tsk < 1 || wptm < 1 || wptn < 1) {
            throw new IllegalArgumentException("sgemm config: every size must be >= 1, got " + describe(tsm, tsn, tsk, wptm, wptn));
        }
        if (tsm % wptm != 0 || tsn % wptn != 0) {
            throw new IllegalArgumentException("sgemm config: TSM must be a multiple of WPTM and TSN of WPTN, got "
                    + describe(tsm, tsn, tsk, wptm, wptn));
        }
    }

    /** The largest default that fits the device's work-group and local-memory limits. */
    public static SgemmConfig defaultFor(DeviceInfo device) {
        SgemmConfig large = new SgemmConfig(64, 64, 16, 4, 4);
        return large.fits(device) == null ? large : new SgemmConfig(16, 16, 8, 2, 2);
    }

    int localM() {
        return tsm / wptm;
    }

    int localN() {
        return tsn / wptn;
    }

    long localMemBytes() {
        return 4L * tsk * (tsm + tsn);
    }

    String defines() {
        return "-DTSM=" + tsm + " -DTSN=" + tsn + " -DTSK=" + tsk + " -DWPTM=" + wptm + " -DWPTN=" + wptn;
    }

    /** Null when the device can run this configuration, else the limit it breaks. */
    String fits(DeviceInfo d) {
        long items = (long) localM() * localN();
        if (items > d.maxWorkGroupSize()) {
            return "work-group of " + items + " work-items exceeds CL_DEVICE_MAX_WORK_GROUP_SIZE " + d.maxWorkGroupSize();
        }
        if (localN() > d.maxWorkItemSizes()[0] || localM() > d.maxWorkItemSizes()[1]) {
            return "work-group " + localN() + " x " + localM() + " exceeds CL_DEVICE_MAX_WORK_ITEM_SIZES";
        }
        if (localMemBytes() > d.localMemBytes()) {
            return "local tiles need " + localMemBytes() + " bytes, more than CL_DEVICE_LOCAL_MEM_SIZE " + d.localMemBytes();
        }
        return null;
    }

    private static String describe(int tsm, int tsn, int tsk, int wptm, int wptn) {
        return "TSM=" + tsm + " TSN=" + tsn + " TSK=" + tsk + " WPTM=" + wptm + " WPTN=" + wptn;
    }
}
