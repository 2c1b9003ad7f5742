package org.convcl.opencl.tuning;

import org.convcl.kernels.Program;
import org.convcl.opencl.DeviceInfo;

/**
 * Which SGEMM kernel to build and its compile-time parameters. Both kernels compute the same batched, grouped
 * product; {@link Tiled} stages tiles in local memory (for GPUs), {@link Blocked} keeps register blocks and reads
 * global memory through the caches (for CPUs, where local memory is ordinary memory and barriers are costly).
 */
public sealed interface SgemmConfig permits SgemmConfig.Tiled, SgemmConfig.Blocked {

    /** The default for the device, shrunk to the tiled fallback where the device's limits demand it. */
    static SgemmConfig defaultFor(DeviceInfo device) {
        SgemmConfig preferred = device.type().equals("cpu") ? Blocked.defaultFor(device) : new Tiled(64, 64, 16, 4, 4);
        return preferred.fits(device) == null ? preferred : new Tiled(16, 16, 8, 2, 2);
    }

    /**
     * Reads what {@link #encode()} wrote, for example {@code sgemm_blocked -DWPTM=8 -DVW=16 -DWPTN=3 -DLOCAL_N=1
     * -DLOCAL_M=8 -DKC=128}.
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
            case "sgemm" -> new Tiled(get.applyAsInt("TSM"), get.applyAsInt("TSN"), get.applyAsInt("TSK"),
                    get.applyAsInt("WPTM"), get.applyAsInt("WPTN"));
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
     * {@code sgemm.cl}: a TSM x TSN tile of C per work-group, TSK-deep local tiles, and WPTM x WPTN results per
     * work-item. The work-group is (TSN/WPTN) x (TSM/WPTM).
     */
    public record Tiled(int tsm, int tsn, int tsk, int wptm, int wptn) implements SgemmConfig {

        public Tiled {
            if (tsm < 1 || tsn < 1 || tsk < 1 || wptm < 1 || wptn < 1) {
                throw new IllegalArgumentException("sgemm config: every size must be >= 1, got " + this);
            }
            if (tsm % wptm != 0 || tsn % wptn != 0) {
                throw new IllegalArgumentException(
                        "sgemm config: TSM must be a multiple of WPTM and TSN of WPTN, got " + this);
            }
        }

        @Override
        public Program program() {
            return Program.SGEMM;
        }

        @Override
        public String defines() {
            return "-DTSM=" + tsm + " -DTSN=" + tsn + " -DTSK=" + tsk + " -DWPTM=" + wptm + " -DWPTN=" + wptn;
        }

        @Override
        public long[] local() {
            return new long[] {tsn / wptn, tsm / wptm};
        }

        @Override
        public int groupColumns() {
            return tsn;
        }

        @Override
        public int groupRows() {
            return tsm;
        }

        @Override
        public long localMemBytes() {
            return 4L * tsk * (tsm + tsn);
        }

        @Override
        public String toString() {
            return "tiled TSM=" + tsm + " TSN=" + tsn + " TSK=" + tsk + " WPTM=" + wptm + " WPTN=" + wptn;
        }
    }

    /**
     * {@code sgemm_blocked.cl}: WPTM rows by WPTN vectors of VW floats of C per work-item, localN x localM
     * work-items per group, and a group-wide barrier every KC steps of k.
     */
    public record Blocked(int wptm, int vw, int wptn, int localN, int localM, int kc) implements SgemmConfig {

        public Blocked {
            if (wptm < 1 || wptn < 1 || localN < 1 || localM < 1 || kc < 1) {
                throw new IllegalArgumentException("sgemm config: every size must be >= 1, got " + this);
            }
            if (vw != 2 && vw != 4 && vw != 8 && vw != 16) {
                throw new IllegalArgumentException("sgemm config: VW must be 2, 4, 8 or 16, got " + this);
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

        @Override
        public long localMemBytes() {
            return 4L * kc * groupColumns();
        }

        @Override
        public String toString() {
            return "blocked WPTM=" + wptm + " VW=" + vw + " WPTN=" + wptn + " local " + localN + "x" + localM
                    + " KC=" + kc;
        }
    }
}
