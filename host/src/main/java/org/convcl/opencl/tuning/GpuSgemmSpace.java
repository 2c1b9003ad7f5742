package org.convcl.opencl.tuning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The GPU SGEMM configurations ({@link SgemmConfig.Tiled}) the tuner may choose on a device: every combination of
 * the values below that meets the kernel's divisibility rules and the device's limits (work-group size and shape,
 * local memory), with vector widths up to twice CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT but at least 4 (GPUs that
 * report 1 still load float4 in one transaction), and at most 64 results per work-item (more spills on every
 * GPU's register file). The grid has about a million points, so the tuner draws from it instead of walking it.
 */
public final class GpuSgemmSpace {
    /** The parameters in {@link SgemmConfig.Tiled}'s order and their candidate values; flags are 0 and 1. */
    public static final List<String> NAMES = List.of("MWG", "NWG", "KWG", "MDIMC", "NDIMC", "MDIMA", "NDIMB", "VWM",
            "VWN", "SA", "SB", "STRM", "STRN");
    private static final int[] TILES = {16, 32, 64, 128};
    private static final int[] DEPTHS = {8, 16, 32};
    private static final int[] DIMS = {8, 16, 32};
    private static final int[] WIDTHS = {1, 2, 4, 8};
    private static final int[] FLAGS = {0, 1};
    private static final int MAX_RESULTS_PER_ITEM = 64;
    /** Draws per wanted configuration before a sample gives up: about one point in twenty of the grid is valid. */
    private static final int TRIES = 2000;

    private final DeviceInfo device;
    private final int[][] values;

    /** The space bounded by {@code device}'s limits. */
    public GpuSgemmSpace(DeviceInfo device) {
        this.device = device;
        int widest = Math.max(4, 2 * device.preferredFloatVectorWidth());
        int[] widths = java.util.Arrays.stream(WIDTHS).filter(w -> w <= widest).toArray();
        this.values = new int[][] {TILES, TILES, DEPTHS, DIMS, DIMS, DIMS, DIMS, widths, widths, FLAGS, FLAGS, FLAGS,
                FLAGS};
    }

    /** The candidate values of parameter {@code i} of {@link #NAMES} on this device. */
    public int[] values(int i) {
        return values[i].clone();
    }

    /** The configuration at these parameter values, or null where it breaks a rule of the kernel or the device. */
    public SgemmConfig.Tiled at(int[] p) {
        if (SgemmConfig.Tiled.brokenRule(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]) != null
                || (p[0] / p[3]) * (p[1] / p[4]) > MAX_RESULTS_PER_ITEM) {
            return null;
        }
        var t = new SgemmConfig.Tiled(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9] != 0, p[10] != 0,
                p[11] != 0, p[12] != 0);
        return t.fits(device) == null ? t : null;
    }

    /** The parameter values of {@code t}, in {@link #NAMES}' order. */
    public static int[] valuesOf(SgemmConfig.Tiled t) {
        return new int[] {t.mwg(), t.nwg(), t.kwg(), t.mdimc(), t.ndimc(), t.mdima(), t.ndimb(), t.vwm(), t.vwn(),
                bit(t.sa()), bit(t.sb()), bit(t.strm()), bit(t.strn())};
    }

    private static int bit(boolean b) {
        return b ? 1 : 0;
    }

    /** Up to {@code count} distinct valid configurations drawn uniformly from the grid by {@code seed}. */
    public List<SgemmConfig.Tiled> sample(int count, long seed) {
        return draw(count, new Random(seed), i -> true, null);
    }

    /**
     * Up to {@code count} valid variations of {@code best} that keep its tile of C and its work-group (MWG, NWG,
     * MDIMC, NDIMC) and draw the rest: the depth of a step, the loaders, the vector widths, staging and strides.
     */
    public List<SgemmConfig.Tiled> around(SgemmConfig.Tiled best, int count, long seed) {
        var found = draw(count + 1, new Random(seed), i -> i <= 1 || i == 3 || i == 4, valuesOf(best));
        found.remove(best);
        return found.subList(0, Math.min(count, found.size()));
    }

    /**
     * Valid configurations that, with those of {@code given} valid here, take every candidate value of every
     * parameter at least once (where any valid configuration has it), drawn by {@code seed}: what the device tests
     * run so that the tuner never picks a value no test has seen. Only the configurations added are returned.
     */
    public List<SgemmConfig.Tiled> covering(long seed, Collection<SgemmConfig.Tiled> given) {
        var random = new Random(seed);
        var chosen = new LinkedHashSet<SgemmConfig.Tiled>();
        given.stream().filter(t -> at(valuesOf(t)) != null).forEach(chosen::add);
        int already = chosen.size();
        for (int i = 0; i < NAMES.size(); i++) {
            for (int v : values[i]) {
                final int axis = i;
                if (chosen.stream().anyMatch(t -> valuesOf(t)[axis] == v)) {
                    continue;
                }
                int[] fixed = new int[NAMES.size()];
                fixed[i] = v;
                chosen.addAll(draw(1, random, j -> j == axis, fixed));
            }
        }
        return new ArrayList<>(chosen).subList(already, chosen.size());
    }

    /** Distinct valid draws with the parameters {@code keep} accepts taken from {@code fixed}. */
    private List<SgemmConfig.Tiled> draw(int count, Random random, IntPredicate keep, int[] fixed) {
        var found = new LinkedHashSet<SgemmConfig.Tiled>();
        for (int tries = 0; found.size() < count && tries < TRIES * count; tries++) {
            int[] p = new int[NAMES.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = fixed != null && keep.test(i) ? fixed[i] : values[i][random.nextInt(values[i].length)];
            }
            var t = at(p);
            if (t != null) {
                found.add(t);
            }
        }
        return new ArrayList<>(found);
    }
}
