package org.convcl.opencl.tuning;

import java.util.ArrayList;
import java.util.List;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The register-blocked SGEMM configurations ({@link SgemmConfig.Blocked}) the tuner may choose on a device, in its
 * two stages: register blocks that do not spill, at the default work-group and step depth, then the work-groups and
 * step depths below around a block. A block keeps WPTM x WPTN accumulators, WPTN vectors of B and a broadcast of A
 * live in the register file {@link SgemmConfig.Blocked#vectorRegisters} assumes for the device's SIMD width (the
 * default's VW), and needs at least half the file in accumulators to hide the latency of its multiply-adds. Vectors
 * twice the SIMD width are tried too: they take two registers each but halve the loop overhead. The tuning cache
 * accepts exactly this space, so a stored entry can never ask for a block the tuner would not have built.
 */
public final class BlockedSgemmSpace {
    private static final int MIN_WPTM = 2;
    private static final int MAX_WPTM = 8;
    private static final int MAX_WPTN = 4;
    private static final int WIDEST = 16;
    private static final int[] LOCAL_M = {4, 8, 16};
    private static final int[] LOCAL_N = {1, 2};
    private static final int[] KC = {64, 128, 256};

    private final DeviceInfo device;
    private final SgemmConfig.Blocked base;

    /**
     * The space bounded by a device's SIMD width and limits.
     *
     * @param device the device the configurations are for
     */
    public BlockedSgemmSpace(DeviceInfo device) {
        this.device = device;
        this.base = SgemmConfig.Blocked.defaultFor(device);
    }

    /**
     * Stage one: every register block that fits the device, with the default's work-group and step depth.
     *
     * @return the configurations, none spilling
     */
    public List<SgemmConfig.Blocked> blocks() {
        int simd = base.vw();
        int registers = SgemmConfig.Blocked.vectorRegisters(simd);
        var blocks = new ArrayList<SgemmConfig.Blocked>();
        for (int vw : new int[] {simd, simd * 2}) {
            if (vw > WIDEST) {
                continue;
            }
            int perVector = vw / simd;
            for (int wptn = 1; wptn <= MAX_WPTN; wptn++) {
                for (int wptm = MIN_WPTM; wptm <= MAX_WPTM; wptm++) {
                    int live = perVector * (wptm * wptn + wptn) + 1;
                    int accumulators = perVector * wptm * wptn;
                    if (live <= registers && 2 * accumulators >= registers - 4) {
                        add(blocks, new SgemmConfig.Blocked(wptm, vw, wptn, base.localN(), base.localM(), base.kc()));
                    }
                }
            }
        }
        return blocks;
    }

    /**
     * Stage two: {@code best}'s register block with every work-group and step depth that fits the device.
     *
     * @param best a configuration of this space
     * @return the configurations, {@code best} among them
     */
    public List<SgemmConfig.Blocked> around(SgemmConfig.Blocked best) {
        var all = new ArrayList<SgemmConfig.Blocked>();
        for (int localM : LOCAL_M) {
            for (int localN : LOCAL_N) {
                for (int kc : KC) {
                    add(all, new SgemmConfig.Blocked(best.wptm(), best.vw(), best.wptn(), localN, localM, kc));
                }
            }
        }
        return all;
    }

    /**
     * Whether the tuner could have chosen {@code config} on this device.
     *
     * @param config any blocked configuration
     * @return true when its block is one of {@link #blocks()} and its work-group and depth one of {@link #around}
     */
    public boolean contains(SgemmConfig.Blocked config) {
        return blocks().stream().anyMatch(b -> b.wptm() == config.wptm() && b.vw() == config.vw()
                && b.wptn() == config.wptn()) && around(config).contains(config);
    }

    private void add(List<SgemmConfig.Blocked> to, SgemmConfig.Blocked config) {
        if (config.fits(device) == null) {
            to.add(config);
        }
    }
}
