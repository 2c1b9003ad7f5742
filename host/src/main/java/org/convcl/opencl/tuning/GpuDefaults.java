package org.convcl.opencl.tuning;

import java.util.List;

import org.convcl.opencl.device.DeviceInfo;

/**
 * The untuned GPU SGEMM configuration of each vendor family, reasoned from the hardware, not measured on one
 * machine. On all of them C's tile is a large square-ish block (each loaded value of A and B feeds MWG or NWG
 * multiply-adds), both operands are staged in local memory (a GPU's caches are too small to serve a whole
 * work-group's reuse), and strided access keeps a warp's local reads on distinct banks and its stores of C
 * coalesced.
 */
public final class GpuDefaults {
    /**
     * NVIDIA (warps of 32, 64 Ki 32-bit registers per SM and at most 255 per thread, 48 KiB of local memory per
     * work-group): 16 x 16 work-items are 8 warps, each item an 8 x 8 block of C, about 110 registers with its
     * operands, so two groups share an SM. float4 loads are the widest single global transaction. Local tiles take
     * 16.5 KiB.
     */
    static final SgemmConfig.Tiled NVIDIA = new SgemmConfig.Tiled(128, 128, 16, 16, 16, 64, 32, 4, 4, true, true,
            true, true);
    /**
     * AMD (wavefronts of 64 on GCN and CDNA, 256 vector registers per lane, 64 KiB of LDS per compute unit of which
     * one work-group gets at most 32 KiB on GCN): 256 work-items are one wavefront per SIMD; a 4 x 8 block per item
     * needs about 80 registers, leaving room for three wavefronts per SIMD, which GCN needs to hide its memory
     * latency; steps of 32 in k halve the barriers, costly with four wavefronts to gather. Local tiles take 24 KiB.
     */
    static final SgemmConfig.Tiled AMD = new SgemmConfig.Tiled(64, 128, 32, 16, 16, 32, 32, 4, 4, true, true,
            true, true);
    /**
     * Intel GPUs (threads of 128 registers of 32 bytes, which kernels compiled SIMD16 share as 64 floats per
     * work-item; 64 KiB of shared local memory per subslice; work-groups of at most 256 on Gen9): a 4 x 4 block
     * per item keeps its 16 accumulators and operands, about 40 floats, inside those 64 without spilling. Local
     * tiles take 8.3 KiB.
     */
    static final SgemmConfig.Tiled INTEL = new SgemmConfig.Tiled(64, 64, 16, 16, 16, 64, 16, 4, 4, true, true,
            true, true);
    /** Any other GPU or accelerator: the textbook tiling with scalar loads, 256 work-items and 8.3 KiB of tiles. */
    static final SgemmConfig.Tiled OTHER = SgemmConfig.Tiled.of(64, 64, 16, 16, 16);
    /** For devices too small for the family's default: 64 work-items and 1 KiB of tiles. */
    static final SgemmConfig.Tiled SMALL = SgemmConfig.Tiled.of(16, 16, 8, 8, 8);

    /**
     * The direct small-GEMM: an 8 x 8 tile of 8 x 8 work-items, one result each, reading A and B straight from global
     * memory through the caches, with no tile staged in local memory and no barrier. For products that even
     * {@link #SMALL}'s tiles cannot spread over every compute unit: there a launch is latency, not throughput, a staged
     * tile's barrier per step of k buys little reuse, and the smaller tile starts four times the work-groups.
     * Reasoned after CLBlast's direct GEMM for small sizes, not measured: no GPU has run ConvCL yet.
     */
    static final SgemmConfig.Tiled DIRECT = new SgemmConfig.Tiled(8, 8, 8, 8, 8, 8, 8, 1, 1, false, false, false,
            false);

    /**
     * Smaller tiles, largest first, for products too small to fill a GPU with the default's: 64 x 64 with a 4 x 4
     * block per work-item (the Intel default), 32 x 32 with 8 x 8 work-items, and {@link #SMALL}. Each has the
     * default's k depth of 16 and float4 loads where its shape allows.
     */
    static final List<SgemmConfig.Tiled> LADDER = List.of(INTEL,
            new SgemmConfig.Tiled(32, 32, 16, 8, 8, 32, 8, 4, 4, true, true, true, true), SMALL);
    /**
     * A GPU runs a product at speed only when every compute unit has work-groups to switch between while others wait
     * on memory: NVIDIA's default tile fits two per SM, and with fewer groups than two per unit (resnet50's 3x3 at
     * 14x14 made 32 on an H100's 132 SMs) the rest stand idle. cuDNN and CLBlast likewise pick smaller tiles for
     * small problems.
     */
    static final int GROUPS_PER_UNIT = 2;

    private GpuDefaults() {
    }

    /**
     * The fewest work-groups a launch should have on {@code device}: {@link #GROUPS_PER_UNIT} per compute unit on a
     * GPU; none on a CPU, whose OpenCL runs a work-group's items one after another and fills its cores from any count.
     */
    public static long minWorkGroups(DeviceInfo device) {
        return DeviceClass.of(device) == DeviceClass.CPU ? 0 : (long) GROUPS_PER_UNIT * device.computeUnits();
    }

    /**
     * The tile for a product of {@code rows x cols} C matrices, {@code products} of them: the class default where it
     * makes {@link #GROUPS_PER_UNIT} work-groups per compute unit, else the largest smaller tile of {@link #LADDER}
     * that does, else the smallest that fits the device, or {@link #DIRECT} where that leaves compute units without a
     * work-group. A configuration other than the default (tuned, or chosen by the caller) is kept as it is.
     */
    public static SgemmConfig.Tiled sizedTo(SgemmConfig.Tiled configured, DeviceInfo device, long rows, long cols,
                                            long products) {
        if (!configured.equals(SgemmConfig.defaultFor(device))) {
            return configured;
        }
        long target = minWorkGroups(device);
        var chosen = configured;
        for (var smaller : LADDER) {
            if (chosen.workGroups(rows, cols, products) >= target) {
                break;
            }
            if (smaller.mwg() * smaller.nwg() < chosen.mwg() * chosen.nwg() && smaller.fits(device) == null) {
                chosen = smaller;
            }
        }
        boolean idleUnits = chosen.workGroups(rows, cols, products) < device.computeUnits();
        return idleUnits && DIRECT.fits(device) == null ? DIRECT : chosen;
    }

    /**
     * Whether a product of {@code batch} entries of {@code rows x pixels} C matrices, {@code groups} of each, runs as
     * one product of {@code rows x (batch * pixels)} per group, the batch folded into N: where
     * {@link ConvPolicy#foldPercent} says the folded launch saves enough multiply-adds on tiles padded past the last
     * pixel of each image, each launch with the tile {@link #sizedTo} picks for its own work-groups. Never for one
     * image, nor where the folded columns would not fit the kernel's 32-bit column indices.
     */
    public static boolean folds(SgemmConfig.Tiled configured, DeviceInfo device, ConvPolicy policy, long rows,
                                long pixels, long batch, long groups) {
        long columns = batch * pixels;
        if (policy.foldPercent() == 0 || batch < 2) {
            return false;
        }
        var folded = sizedTo(configured, device, rows, columns, groups);
        var unfolded = sizedTo(configured, device, rows, pixels, batch * groups);
        // Doubles: the padded sizes of huge products pass a long once multiplied by the percentage.
        return columns + folded.nwg() <= Integer.MAX_VALUE && 100.0 * padded(folded, rows, columns, groups)
                <= policy.foldPercent() * padded(unfolded, rows, pixels, batch * groups);
    }

    /** The multiply-adds per step of k of the launch's work-groups, each computing its whole tile. */
    private static double padded(SgemmConfig.Tiled tile, long rows, long cols, long products) {
        return (double) tile.workGroups(rows, cols, products) * tile.mwg() * tile.nwg();
    }

    /** The family's default by its {@link DeviceClass}, which need not fit the device; see {@link SgemmConfig#defaultFor}. */
    public static SgemmConfig.Tiled forDevice(DeviceInfo device) {
        return switch (DeviceClass.of(device)) {
            case NVIDIA_GPU -> NVIDIA;
            case AMD_GPU -> AMD;
            case INTEL_GPU -> INTEL;
            case CPU, OTHER_GPU -> OTHER;
        };
    }
}
