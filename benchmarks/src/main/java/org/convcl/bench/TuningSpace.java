package org.convcl.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.BlockedSgemmSpace;
import org.convcl.opencl.tuning.GpuSgemmSpace;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * The SGEMM configurations worth trying on a device, bounded by what it reports, in two stages: first the block
 * each work-item computes (register blocks on CPUs, from {@link BlockedSgemmSpace}; on GPUs, a random draw from
 * {@link GpuSgemmSpace}), then, around the best blocks, the work-group and the depth of a step (on GPUs: keeping the tile of C and the
 * work-group, the depth, loaders, vector widths, staging and strides). Searching the stages one after the other
 * keeps the trials to a few dozen where the full grid has hundreds on CPUs and about a million on GPUs.
 */
final class TuningSpace {
    /** GPU configurations drawn in stage one, besides the default: a few minutes of trials on a GPU. */
    static final int GPU_DRAWS = 40;
    /** Fixed, so that two searches on one device try the same configurations. */
    private static final long SEED = 20;

    private TuningSpace() {
    }

    /** Stage one: the device's default first, then every block that fits it. */
    static List<SgemmConfig> blocks(DeviceInfo device) {
        var all = new LinkedHashSet<SgemmConfig>();
        var base = SgemmConfig.defaultFor(device);
        all.add(base);
        if (base instanceof SgemmConfig.Blocked) {
            all.addAll(new BlockedSgemmSpace(device).blocks());
        } else {
            all.addAll(new GpuSgemmSpace(device).sample(GPU_DRAWS, SEED));
        }
        return all.stream().filter(c -> c.fits(device) == null).toList();
    }

    /** Stage two: up to {@code count} variations of {@code best}'s work-group and step depth, drawn by {@code seed}. */
    static List<SgemmConfig> around(SgemmConfig best, DeviceInfo device, int count, long seed) {
        var all = new ArrayList<SgemmConfig>();
        if (best instanceof SgemmConfig.Blocked b) {
            all.addAll(new BlockedSgemmSpace(device).around(b));
        } else if (best instanceof SgemmConfig.Tiled t) {
            return new GpuSgemmSpace(device).around(t, count, seed).stream().map(SgemmConfig.class::cast).toList();
        }
        all.remove(best);
        java.util.Collections.shuffle(all, new Random(seed));
        return all.subList(0, Math.min(count, all.size()));
    }
}
