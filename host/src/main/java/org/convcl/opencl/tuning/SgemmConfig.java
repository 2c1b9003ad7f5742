package org.convcl.opencl.tuning;

import org.convcl.kernels.Program;
import org.convcl.opencl.device.DeviceInfo;

/**
 * Which SGEMM kernel to build and its compile-time parameters. Both kernels compute the same batched, grouped
 * product; {@link Tiled} stages tiles in local memory (for GPUs), {@link Blocked} keeps register blocks and reads
 * global memory through the caches (for CPUs, where local memory is ordinary memory and barriers are costly).
 */
public sealed interface SgemmConfig permits SgemmConfig.Tiled, SgemmConfig.Blocked {

    /**
     * The default for the device (the register-blocked kernel on CPUs, the vendor family's tiling on other
     * devices, see {@link GpuDefaults}), shrunk to a small tiling where the device's limits demand it.
     */
    static SgemmConfig defaultFor(DeviceInfo device) {
        SgemmConfig preferred = DeviceClass.of(device) == DeviceClass.CPU ? Blocked.defaultFor(device)
                : GpuDefaults.forDevice(device);
        return preferred.fits(device) == null ? preferred : GpuDefaults.SMALL;
    }

    /**
     * Reads what {@link #encode()} wrote, for example {@code sgemm_blocked -DWPTM=8 -DVW=16 -DWPTN=3 -DLOCAL_N=1
     * -DLOCAL_M=8 -DKC=128} or {@code sgemm -DMWG=64 -DNWG=64 -DKWG=16 -DMDIMC=16 -DNDIMC=16 -DMDIMA=16 -DNDIMB=16
     * -DVWM=1 -DVWN=1 -DSA=1 -DSB=1 -DSTRM=1 -DSTRN=1}.
     *
     * @throws IllegalArgumentException when the text names no known kernel or lacks a parameter
     */
    public static SgemmConfig parse(String text) {
        var tokens = text.strip().split("\\s+");
        var values = new java.util.HashMap<String, Integer>();
        for (int i = 1; i < tokens.length; i++) {
            var m = java.util.regex.Pattern.compile("-D(\\w+)=(\\d+)").matcher(tokens[i]);
            if (!m.matches()) {
                throw new IllegalArgumentException("sgemm config: '" + tokens[i] + "' in '" + text + "' is not -DNAME=N");
            }
            values.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        java.util.function.ToIntFunction<String> get = name -> {
            Integer v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("sgemm config: '" + text + "' lacks " + name);
            }
            return v;
        };
        return switch (tokens[0]) {
            case "sgemm" -> new Tiled(get.applyAsInt("MWG"), get.applyAsInt("NWG"), get.applyAsInt("KWG"),
                    get.applyAsInt("MDIMC"), get.applyAsInt("NDIMC"), get.applyAsInt("MDIMA"), get.applyAsInt("NDIMB"),
                    get.applyAsInt("VWM"), get.applyAsInt("VWN"), get.applyAsInt("SA") != 0, get.applyAsInt("SB") != 0,
                    get.applyAsInt("STRM") != 0, get.applyAsInt("STRN") != 0);
            case "sgemm_blocked" -> new Blocked(get.applyAsInt("WPTM"), get.applyAsInt("VW"), get.applyAsInt("WPTN"),
                    get.applyAsInt("LOCAL_N"), get.applyAsInt("LOCAL_M"), get.applyAsInt("KC"));
            default -> throw new IllegalArgumentException("sgemm config: unknown kernel '" + tokens[0] + "' in '" + text + "'");
        };
    }

    /** The kernel's own part and its defines on one line; {@link #parse} reads it back. */
    default String encode() {
        return program().ownPart() + " " + defines();
    }

    /** The program holding the {@code sgemm} kernel. */
    Program program();

    String defines();

    /** Work-items per group along N and along M. */
    long[] local();

    /** Columns and rows of C per work-group. */
    int groupColumns();

    int groupRows();

    /**
     * The work-groups of a product: C's tiles, once per entry of the batch and group.
     *
     * @param products batch entries times groups
     * @return tiles along N times tiles along M times products
     */
    default long workGroups(long rows, long cols, long products) {
        return (cols + groupColumns() - 1) / groupColumns() * ((rows + groupRows() - 1) / groupRows()) * products;
    }

    /** Null when the device can run this configuration, else the limit it breaks. */
    default String fits(DeviceInfo d) {
        long[] local = local();
        long items = local[0] * local[1];
        if (items > d.maxWorkGroupSize()) {
            return "work-group of " + items + " work-items exceeds CL_DEVICE_MAX_WORK_GROUP_SIZE " + d.maxWorkGroupSize();
        }
        if (local[0] > d.maxWorkItemSizes()[0] || local[1] > d.maxWorkItemSizes()[1]) {
            return "work-group " + local[0] + " x " + local[1] + " exceeds CL_DEVICE_MAX_WORK_ITEM_SIZES";
        }
        if (localMemBytes() > d.localMemBytes()) {
            return "local tiles need " + localMemBytes() + " bytes, more than CL_DEVICE_LOCAL_MEM_SIZE " + d.localMemBytes();
        }
        return null;
    }

    default long localMemBytes() {
        return 0;
    }

    /**
     * {@code sgemm.cl}, the GPU kernel: an MWG x NWG tile of C per work-group in KWG-deep steps of k, MDIMC x NDIMC
     * work-items each computing MWI x NWI = (MWG/MDIMC) x (NWG/NDIMC) results; A's tile staged in local memory when
     * {@code sa} by MDIMA x (MDIMC*NDIMC/MDIMA) work-items, B's when {@code sb} by (MDIMC*NDIMC/NDIMB) x NDIMB;
     * A read in vectors of VWM floats along k, B read and C written in vectors of VWN along n; a work-item's rows
     * strided by MDIMC when {@code strm}, else contiguous, and its vectors of columns strided by NDIMC when
     * {@code strn}. The work-group is NDIMC x MDIMC. The constructor checks every divisibility rule of the kernel;
     * {@link #fits} the device's limits; {@link #alignedTo} the operands' alignment.
     *
     * @throws IllegalArgumentException naming the rule a combination breaks
     */
    public record Tiled(int mwg, int nwg, int kwg, int mdimc, int ndimc, int mdima, int ndimb, int vwm, int vwn,
                        boolean sa, boolean sb, boolean strm, boolean strn) implements SgemmConfig {

        public Tiled {
            if (mwg < 1 || nwg < 1 || kwg < 1 || mdimc < 1 || ndimc < 1 || mdima < 1 || ndimb < 1) {
                throw new IllegalArgumentException("sgemm config: every size must be >= 1, got " + describe(mwg, nwg,
                        kwg, mdimc, ndimc, mdima, ndimb, vwm, vwn, sa, sb, strm, strn));
            }
            // Every size the kernel and the launch derive must fit an int, so no rule below can overflow.
            if ((long) mdimc * ndimc > Integer.MAX_VALUE || 4L * mwg * (kwg + 1L) + 4L * kwg * nwg > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("sgemm config: the work-group or the tiles are too large to"
                        + " address, in " + describe(mwg, nwg, kwg, mdimc, ndimc, mdima, ndimb, vwm, vwn, sa, sb, strm,
                        strn));
            }
            String broken = brokenRule(mwg, nwg, kwg, mdimc, ndimc, mdima, ndimb, vwm, vwn);
            if (broken != null) {
                throw new IllegalArgumentException("sgemm config: " + broken + ", in " + describe(mwg, nwg, kwg, mdimc,
                        ndimc, mdima, ndimb, vwm, vwn, sa, sb, strm, strn));
            }
        }

        /**
         * A configuration with both tiles staged, strided access, scalar loads and loaders shaped like the
         * work-group: the textbook local-memory tiling, which any device that fits it runs well enough.
         */
        public static Tiled of(int mwg, int nwg, int kwg, int mdimc, int ndimc) {
            return new Tiled(mwg, nwg, kwg, mdimc, ndimc, mdimc, ndimc, 1, 1, true, true, true, true);
        }

        /** Null when the sizes meet the kernel's divisibility rules, else the first rule they break. */
        static String brokenRule(int mwg, int nwg, int kwg, int mdimc, int ndimc, int mdima, int ndimb,
                                         int vwm, int vwn) {
            int threads = mdimc * ndimc;
            if (!isVectorWidth(vwm) || !isVectorWidth(vwn)) {
                return "VWM and VWN must be 1, 2, 4 or 8";
            }
            if (mwg % mdimc != 0 || nwg % ndimc != 0) {
                return "MWG must be a multiple of MDIMC and NWG of NDIMC";
            }
            if (threads % mdima != 0 || threads % ndimb != 0) {
                return "MDIMA and NDIMB must divide MDIMC*NDIMC = " + threads;
            }
            if (mwg % mdima != 0 || kwg % (threads / mdima * vwm) != 0) {
                return "MWG must be a multiple of MDIMA and KWG of KDIMA*VWM = " + threads / mdima * vwm;
            }
            if (nwg % (ndimb * vwn) != 0 || kwg % (threads / ndimb) != 0) {
                return "NWG must be a multiple of NDIMB*VWN = " + ndimb * vwn + " and KWG of KDIMB = " + threads / ndimb;
            }
            if (nwg / ndimc % vwn != 0) {
                return "NWG/NDIMC must be a multiple of VWN";
            }
            return null;
        }

        private static boolean isVectorWidth(int w) {
            return w == 1 || w == 2 || w == 4 || w == 8;
        }

        /** The same configuration with other staging loaders. */
        public Tiled withLoaders(int mdima, int ndimb) {
            return new Tiled(mwg, nwg, kwg, mdimc, ndimc, mdima, ndimb, vwm, vwn, sa, sb, strm, strn);
        }

        /** The same configuration with other vector widths. */
        public Tiled withVectors(int vwm, int vwn) {
            return new Tiled(mwg, nwg, kwg, mdimc, ndimc, mdima, ndimb, vwm, vwn, sa, sb, strm, strn);
        }

        /** The same configuration with each operand staged in local memory or not. */
        public Tiled withStaging(boolean sa, boolean sb) {
            return new Tiled(mwg, nwg, kwg, mdimc, ndimc, mdima, ndimb, vwm, vwn, sa, sb, strm, strn);
        }

        /** The same configuration with strided or contiguous rows and columns per work-item. */
        public Tiled withStrides(boolean strm, boolean strn) {
            return new Tiled(mwg, nwg, kwg, mdimc, ndimc, mdima, ndimb, vwm, vwn, sa, sb, strm, strn);
        }

        /**
         * Null when the kernel's vector pointers are aligned for these operands, else the rule broken. A's vectors
         * need its row stride {@code depth} to be a multiple of VWM; B's and C's need every offset and stride, in
         * floats, to be a multiple of VWN (buffers start at CL_DEVICE_MEM_BASE_ADDR_ALIGN, at least 128 bytes).
         *
         * @param bStrides B's offset, row stride, batch and group strides; null where the kernel gathers B
         * @param cStrides the same of C, and the columns of an image where the batch is folded into N
         */
        public String misalignment(int depth, long[] bStrides, long[] cStrides) {
            if (depth % vwm != 0) {
                return "VWM=" + vwm + " needs A's row stride K to be a multiple of " + vwm + ", but K is " + depth;
            }
            for (var operand : new Object[][] {{"B", bStrides}, {"C", cStrides}}) {
                long[] strides = (long[]) operand[1];
                for (int i = 0; strides != null && i < strides.length; i++) {
                    if (strides[i] % vwn != 0) {
                        return "VWN=" + vwn + " needs " + operand[0] + "'s " + STRIDE_NAMES[i] + " to be a multiple of "
                                + vwn + ", but it is " + strides[i];
                    }
                }
            }
            return null;
        }

        /** The names of an operand's strides, and last the columns of an image where the batch is folded into N. */
        private static final String[] STRIDE_NAMES = {"offset", "row stride", "batch stride", "group stride",
            "columns per image"};

        /**
         * This configuration with VWM and VWN halved until {@link #misalignment} finds nothing: narrower vectors
         * keep every divisibility rule, so the result is valid wherever this one is.
         */
        public Tiled alignedTo(int depth, long[] bStrides, long[] cStrides) {
            var t = this;
            while (t.misalignment(depth, bStrides, cStrides) != null) {
                boolean aFits = depth % t.vwm == 0;
                t = t.withVectors(aFits ? t.vwm : t.vwm / 2, aFits ? t.vwn / 2 : t.vwn);
            }
            return t;
        }

        @Override
        public Program program() {
            return Program.SGEMM;
        }

        @Override
        public String defines() {
            return "-DMWG=" + mwg + " -DNWG=" + nwg + " -DKWG=" + kwg + " -DMDIMC=" + mdimc + " -DNDIMC=" + ndimc
                    + " -DMDIMA=" + mdima + " -DNDIMB=" + ndimb + " -DVWM=" + vwm + " -DVWN=" + vwn + " -DSA="
                    + bit(sa) + " -DSB=" + bit(sb) + " -DSTRM=" + bit(strm) + " -DSTRN=" + bit(strn);
        }

        private static int bit(boolean b) {
            return b ? 1 : 0;
        }

        @Override
        public long[] local() {
            return new long[] {ndimc, mdimc};
        }

        @Override
        public int groupColumns() {
            return nwg;
        }

        @Override
        public int groupRows() {
            return mwg;
        }

        /**
         * A's tile has rows of KWG + 1 floats (the kernel pads them against bank conflicts), B's of NWG; beside them,
         * up to four tables of 8 bytes per column of the tile: the implicit gather's window origins (64-bit under
         * WIDE_WINDOW) and, with the batch folded, where each column lies in B and C. Counted whether or not a launch
         * uses them, so that a configuration that fits keeps fitting on every path.
         */
        @Override
        public long localMemBytes() {
            return 4L * ((sa ? (long) mwg * (kwg + 1) : 0) + (sb ? (long) kwg * nwg : 0)) + COLUMN_TABLES * 8L * nwg;
        }

        private static final int COLUMN_TABLES = 4;

        @Override
        public String toString() {
            return describe(mwg, nwg, kwg, mdimc, ndimc, mdima, ndimb, vwm, vwn, sa, sb, strm, strn);
        }

        private static String describe(int mwg, int nwg, int kwg, int mdimc, int ndimc, int mdima, int ndimb, int vwm,
                                       int vwn, boolean sa, boolean sb, boolean strm, boolean strn) {
            return "tiled MWG=" + mwg + " NWG=" + nwg + " KWG=" + kwg + " MDIMC=" + mdimc + " NDIMC=" + ndimc
                    + " MDIMA=" + mdima + " NDIMB=" + ndimb + " VWM=" + vwm + " VWN=" + vwn + " SA=" + bit(sa)
                    + " SB=" + bit(sb) + " STRM=" + bit(strm) + " STRN=" + bit(strn);
        }
    }

    /**
     * {@code sgemm_blocked.cl}: WPTM rows by WPTN vectors of VW floats of C per work-item, localN x localM
     * work-items per group, and a group-wide barrier every KC steps of k.
     */
    public record Blocked(int wptm, int vw, int wptn, int localN, int localM, int kc) implements SgemmConfig {

        public Blocked {
            if (wptm < 1 || wptn < 1 || localN < 1 || localM < 1 || kc < 1) {
                throw new IllegalArgumentException("sgemm config: every size must be >= 1, got "
                        + describe(wptm, vw, wptn, localN, localM, kc));
            }
            if (vw != 2 && vw != 4 && vw != 8 && vw != 16) {
                throw new IllegalArgumentException("sgemm config: VW must be 2, 4, 8 or 16, got "
                        + describe(wptm, vw, wptn, localN, localM, kc));
            }
            // Every size the kernel and the launch derive must fit an int: a wrapped product sized launches by zero.
            if ((long) localN * wptn * vw * kc * Float.BYTES > Integer.MAX_VALUE
                    || (long) localM * wptm > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("sgemm config: the block or the work-group is too large to address,"
                        + " got " + describe(wptm, vw, wptn, localN, localM, kc));
            }
        }

        /**
         * A register block sized to the device's vector registers, so that the untuned kernel does not spill.
         * OpenCL reports the SIMD width but not the register count: x86 CPUs with 16-float vectors (AVX-512) have 32
         * vector registers, those with 8 or 4 (AVX2, SSE) have 16. The block keeps WPTM x WPTN accumulators, WPTN
         * vectors of B and a broadcast of A live, with one register to spare: 8 x 3 vectors on AVX-512, 6 x 2 on
         * AVX2.
         */
        static Blocked defaultFor(DeviceInfo device) {
            int vw = Integer.highestOneBit(Math.max(2, Math.min(16, device.preferredFloatVectorWidth())));
            int registers = vectorRegisters(vw);
            int wptn = registers >= 32 ? 3 : 2;
            int wptm = Math.min(8, (registers - wptn - 2) / wptn);
            return new Blocked(wptm, vw, wptn, 1, 8, 128);
        }

        /** The vector registers of a CPU whose SIMD vectors hold {@code simdWidth} floats; see {@link #defaultFor}. */
        public static int vectorRegisters(int simdWidth) {
            return simdWidth >= 16 ? 32 : 16;
        }

        /** The same configuration with localM work-items per group along M. */
        public Blocked withLocalM(int localM) {
            return new Blocked(wptm, vw, wptn, localN, localM, kc);
        }

        @Override
        public Program program() {
            return Program.SGEMM_BLOCKED;
        }

        @Override
        public String defines() {
            return "-DWPTM=" + wptm + " -DVW=" + vw + " -DWPTN=" + wptn + " -DLOCAL_N=" + localN + " -DLOCAL_M="
                    + localM + " -DKC=" + kc;
        }

        @Override
        public long[] local() {
            return new long[] {localN, localM};
        }

        @Override
        public int groupColumns() {
            return localN * wptn * vw;
        }

        @Override
        public int groupRows() {
            return localM * wptm;
        }

        /** The panel of B, and each work-item's totals of its block of C. */
        @Override
        /**
         * The panel and the totals, and the implicit GEMM's gather tables whether a launch uses them or not, so that
         * a configuration that fits keeps fitting on every path: two window-origin tables of up to 8 bytes a column,
         * and the tabulated runs of {@link #MAX_TABLE_TAPS} taps for each vector of the panel.
         */
        public long localMemBytes() {
            return 4L * kc * groupColumns() + 4L * localN * localM * wptm * wptn * vw
                    + WINDOW_TABLES * 8L * groupColumns() + (long) MAX_TABLE_TAPS * TAP_RUNS_BYTES * groupColumns() / vw;
        }

        /** The most window taps whose runs an implicit-GEMM work-group tabulates: 7x7 and every smaller window. */
        public static final int MAX_TABLE_TAPS = 64;
        private static final int WINDOW_TABLES = 2;
        private static final int TAP_RUNS_BYTES = 16;

        @Override
        public String toString() {
            return describe(wptm, vw, wptn, localN, localM, kc);
        }

        /** For the constructor's messages, where the fields are not yet assigned. */
        private static String describe(int wptm, int vw, int wptn, int localN, int localM, int kc) {
            return "blocked WPTM=" + wptm + " VW=" + vw + " WPTN=" + wptn + " local " + localN + "x" + localM
                    + " KC=" + kc;
        }
    }
}
