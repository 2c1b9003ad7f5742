package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.kernels.Program;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.DeviceClass;
import org.convcl.opencl.tuning.GpuDefaults;

/**
 * conv2d in one launch without a column matrix, for depthwise and tiny convolutions: the {@code direct} kernel of
 * {@code direct_conv2d.cl}, or on CPUs, for groups of one input channel, the {@code depthwise_rows} kernel of
 * {@code depthwise_rows.cl}.
 */
public final class DirectConv2d {
    /** Work-items per group along the output planes. */
    private static final int LOCAL_Y = 4;
    /** The most output planes a work-item computes: 8 accumulator vectors, half of an AVX2 register file. */
    private static final int MAX_PLANES_PER_ITEM = 8;
    /**
     * Independent accumulators per work-item, so that multiply-adds need not wait for each other's results: with 8
     * rather than 1, a depthwise 3x3 layer (N=8, C=256, 28x28) took 20% less CPU time (POCL, AVX2 EPYC).
     */
    private static final int MIN_CHAINS = 8;
    /** The largest square window built in as constants: the 7x7 of stems and large depthwise kernels. */
    private static final int MAX_FIXED_TAPS = 7;
    /**
     * Work-items per compute unit the depthwise rows kernel splits its planes' rows into at the least, so that the
     * last of them to start leaves a core idle for at most about an eighth of the run.
     */
    private static final int ROW_ITEMS_PER_UNIT = 8;
    /**
     * The depthwise rows kernel takes narrower runs where more than 1/this of the lanes of a row's runs would lie past
     * the row: MNIST's layer (one channel, 24-pixel rows, a quarter of 16-lane runs idle) took 0.84-0.88 ms with runs
     * of 16 against 0.63-0.65 with runs of 8, while a depthwise layer's 28-pixel rows (an eighth idle) took 0.64-0.68
     * against 0.88-0.92 (POCL on Zen 5, side by side). With the weights streamed, each weight loaded feeds one
     * multiply-add whatever the run's width, so wider runs load fewer weights per pixel and the idle lanes do not
     * count: there MNIST's layer took 0.42-0.44 ms with runs of 16 against 0.49-0.51 with runs of 8 (pyopencl, side
     * by side, Zen 5).
     */
    private static final int IDLE_LANES_SHARE = 8;

    private final ClContext cl;

    /**
     * The launch-time choices of the direct kernel for a shape.
     *
     * @param planesPerItem output planes per work-item (KB)
     * @param rowsPerItem   output rows per work-item (RB)
     * @param runWidth      output pixels of a row per vector (VW, {@link #runWidth})
     * @param fixedWindow   whether the window is built in as constants
     * @param workGroups    how many work-groups the launch has
     * @param depthwiseRows whether the {@code depthwise_rows} kernel runs, each work-item whole rows of its planes
     * @param streamedWeights whether that kernel loads each weight where it is used ({@code -DWEIGHTS_STREAMED})
     *                        rather than once per run of its built-in window
     */
    public record Choice(int planesPerItem, int rowsPerItem, int runWidth, boolean fixedWindow, long workGroups,
                         boolean depthwiseRows, boolean streamedWeights) {
        public Choice {
            if (streamedWeights && !(depthwiseRows && fixedWindow)) {
                throw new IllegalArgumentException("streamedWeights: only the depthwise rows kernel's built-in windows"
                        + " stream their weights");
            }
        }

        @Override
        public String toString() {
            if (depthwiseRows) {
                return "depthwise rows, KB=" + planesPerItem + " " + rowsPerItem + " rows VW=" + runWidth
                        + (fixedWindow ? ", fixed window" : "") + (streamedWeights ? ", weights streamed" : "");
            }
            return "KB=" + planesPerItem + " RB=" + rowsPerItem + " VW=" + runWidth + (fixedWindow ? ", fixed window"
                    : "");
        }
    }

    public DirectConv2d(ClContext cl) {
        PixelRuns.requireGroup(cl.device(), LOCAL_Y, "direct kernel");
        this.cl = cl;
    }

    /**
     * Writes y (N, K, OH, OW) from x (N, C, H, W), w (K, C/G, KH, KW), bias (K) or null, and the epilogue, whose
     * residual is (N, K, OH, OW).
     */
    public void enqueue(Choice choice, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Epilogue epilogue,
                        DeviceBuffer y, Conv2dShape s) {
        if (choice.depthwiseRows()) {
            enqueueRows(choice, x, w, bias, epilogue, y, s);
            return;
        }
        int planesPerItem = choice.planesPerItem();
        int rowsPerItem = choice.rowsPerItem();
        // The kernel counts work-items along the output planes in 32 bits.
        Launch.requireInt("direct kernel: output planes (N*K)", (long) s.n() * s.k());
        String window = choice.fixedWindow() ? " -DWINDOW_K=" + s.kh() + " -DWINDOW_S=" + s.params().strideH() : "";
        String defines = PixelRuns.defines(choice.runWidth()) + " -DLOCAL_Y=" + LOCAL_Y + " -DKB=" + planesPerItem
                + " -DRB=" + rowsPerItem + window + epilogue.defines();
        var kernel = cl.kernel(Program.DIRECT_CONV2D, "direct", defines);
        var launch = epilogue.arguments(new Launch(cl, kernel, "direct").buffer(x).buffer(w).optional(bias, w), w)
                .buffer(y).i32(s.n()).i32(s.c()).i32(s.k()).i32(s.groups());
        ConvGeometry.window(launch, s).i32(s.oh()).i32(s.ow()).enqueue(global(s, choice), LOCAL);
    }

    private void enqueueRows(Choice choice, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Epilogue epilogue,
                             DeviceBuffer y, Conv2dShape s) {
        Launch.requireInt("depthwise rows kernel: output planes (N*K)", (long) s.n() * s.k());
        String window = choice.fixedWindow() ? " -DWINDOW_K=" + s.kh() + " -DWINDOW_S=" + s.params().strideH() : "";
        String defines = "-DVW=" + choice.runWidth() + " -DKB=" + choice.planesPerItem() + window
                + (choice.streamedWeights() ? " -DWEIGHTS_STREAMED" : "") + epilogue.defines();
        var kernel = cl.kernel(Program.DEPTHWISE_ROWS, "depthwise_rows", defines);
        var launch = epilogue.arguments(new Launch(cl, kernel, "depthwise rows").buffer(x).buffer(w)
                .optional(bias, w), w).buffer(y).i32(s.n()).i32(s.c()).i32(s.k());
        ConvGeometry.window(launch, s).i32(s.oh()).i32(s.ow()).i32(choice.rowsPerItem())
                .enqueue(new long[] {rowChunks(s, choice.rowsPerItem()),
                        (long) s.n() * s.k() / choice.planesPerItem()}, ROWS_LOCAL);
    }

    private static final long[] LOCAL = {PixelRuns.LOCAL_X, LOCAL_Y};
    private static final long[] ROWS_LOCAL = {1, 1};

    private static long[] global(Conv2dShape s, Choice choice) {
        return global(s, choice.planesPerItem(), choice.rowsPerItem(), choice.runWidth());
    }

    private static long[] global(Conv2dShape s, int planesPerItem, int rowsPerItem, int runWidth) {
        return new long[] {Launch.roundUp((s.oh() + rowsPerItem - 1L) / rowsPerItem * PixelRuns.perRow(s, runWidth),
                LOCAL[0]), Launch.roundUp((long) s.n() * s.k() / planesPerItem, LOCAL[1])};
    }

    /**
     * The kernel's choices for {@code s} on {@code device}: runs of {@link #runWidth} pixels, and fewer rows per
     * work-item where that many would launch fewer than a GPU's {@link GpuDefaults#minWorkGroups}, down to one.
     */
    public static Choice choose(Conv2dShape s, DeviceInfo device) {
        if (runsDepthwiseRows(s, device)) {
            return depthwiseRows(s, device.computeUnits(), runWidth(device), false);
        }
        return choose(s, GpuDefaults.minWorkGroups(device), runWidth(device));
    }

    /**
     * The depthwise rows kernel's choices with each weight loaded where it is used ({@code -DWEIGHTS_STREAMED}), for
     * a shape whose weights {@link #streamsWeights stream}: as {@link #choose}'s, but with runs as wide as the row
     * holds, however many lanes the last one leaves idle.
     *
     * @throws IllegalArgumentException where {@link #streamsWeights} does not hold
     */
    public static Choice chooseStreamed(Conv2dShape s, DeviceInfo device) {
        if (!streamsWeights(s, device)) {
            throw new IllegalArgumentException("streamed weights: only the depthwise rows kernel's built-in windows"
                    + " stream their weights, not " + s + " on " + device.name());
        }
        return depthwiseRows(s, device.computeUnits(), runWidth(device), true);
    }

    /**
     * Whether {@link #choose} takes the depthwise rows kernel with a built-in window, whose weights may be streamed
     * ({@link #chooseStreamed}): a CPU, groups of one input channel, and a window {@link #fixedWindow} builds in.
     */
    public static boolean streamsWeights(Conv2dShape s, DeviceInfo device) {
        return runsDepthwiseRows(s, device) && fixedWindow(s);
    }

    /** Whether the direct algorithm runs {@code s} with the depthwise rows kernel: a CPU, groups of one channel. */
    public static boolean runsDepthwiseRows(Conv2dShape s, DeviceInfo device) {
        return DeviceClass.of(device) == DeviceClass.CPU && s.cPerGroup() == 1;
    }

    /**
     * The depthwise rows kernel's choices: runs of the widest of {@code simdWidth}, 8 and 4 pixels that the output
     * row holds with, unless the weights are streamed, at most {@link #IDLE_LANES_SHARE the share} of its runs' lanes
     * past its end (its last run overlaps the one before rather than storing lane by lane), {@link #planesPerItem}
     * planes a work-item, and each plane's rows in as few work-items as keep {@link #ROW_ITEMS_PER_UNIT} per compute
     * unit. A GPU keeps the {@code direct} kernel, whose neighbouring work-items read neighbouring runs.
     */
    static Choice depthwiseRows(Conv2dShape s, int computeUnits, int simdWidth, boolean streamedWeights) {
        int width = simdWidth;
        while (width > 4 && (width > s.ow() || !streamedWeights
                && idleLanes(s.ow(), width) * IDLE_LANES_SHARE > lanes(s.ow(), width))) {
            width /= 2;
        }
        int planes = planesPerItem(s.kPerGroup());
        long items = (long) s.n() * s.k() / planes;
        long chunks = Math.min(s.oh(), Math.max(1, ((long) ROW_ITEMS_PER_UNIT * computeUnits + items - 1) / items));
        int rows = (int) ((s.oh() + chunks - 1) / chunks);
        return new Choice(planes, rows, width, fixedWindow(s), rowChunks(s, rows) * items, true, streamedWeights);
    }

    /** The lanes of the runs of {@code width} pixels that cover a row of {@code pixels}. */
    private static long lanes(int pixels, int width) {
        return (pixels + width - 1L) / width * width;
    }

    private static long idleLanes(int pixels, int width) {
        return lanes(pixels, width) - pixels;
    }

    private static long rowChunks(Conv2dShape s, int rows) {
        return (s.oh() + rows - 1L) / rows;
    }

    static Choice choose(Conv2dShape s, long minWorkGroups, int runWidth) {
        int planes = planesPerItem(s.kPerGroup());
        int rows = rowsPerItem(planes);
        while (rows > 1 && workGroups(s, planes, rows, runWidth) < minWorkGroups) {
            rows /= 2;
        }
        return new Choice(planes, rows, runWidth, fixedWindow(s), workGroups(s, planes, rows, runWidth), false, false);
    }

    private static long workGroups(Conv2dShape s, int planesPerItem, int rowsPerItem, int runWidth) {
        long[] global = global(s, planesPerItem, rowsPerItem, runWidth);
        return global[0] / LOCAL[0] * (global[1] / LOCAL[1]);
    }

    /**
     * Output pixels a vector holds: 16 on a CPU whose SIMD registers hold 16 floats (AVX-512), where the bench's
     * depthwise layers took 0.66x (stride 2, 112 pixels wide) and 0.85x (28 wide) the time they took with 8, and its
     * 5x5 layer on one channel 0.87x (POCL on Zen 5); {@link PixelRuns#VW} elsewhere, as pooling and im2col keep, which
     * were slower at 16.
     */
    static int runWidth(DeviceInfo device) {
        return DeviceClass.of(device) == DeviceClass.CPU && device.preferredFloatVectorWidth() >= 16 ? 16
                : PixelRuns.VW;
    }

    /**
     * Builds the window in as constants where it is square, at most {@link #MAX_FIXED_TAPS} a side, stride 1 or 2
     * and not dilated: the usual depthwise and small layers, at most 14 windows. Any other window is read from the
     * arguments, so odd shapes do not each build a program.
     */
    static boolean fixedWindow(Conv2dShape s) {
        var p = s.params();
        return s.kh() == s.kw() && s.kh() <= MAX_FIXED_TAPS && p.strideH() == p.strideW() && p.strideH() <= 2
                && p.dilationH() == 1 && p.dilationW() == 1;
    }

    /**
     * The most output planes, up to {@link #MAX_PLANES_PER_ITEM}, that divide a group's: each input vector loaded
     * then feeds that many multiply-adds, and all of a work-item's planes read the same input channels.
     */
    static int planesPerItem(int kPerGroup) {
        int planes = MAX_PLANES_PER_ITEM;
        while (kPerGroup % planes != 0) {
            planes /= 2;
        }
        return planes;
    }

    /**
     * Output rows per work-item: enough for {@link #MIN_CHAINS} accumulators in all, since one work-item's
     * multiply-adds into one accumulator wait for each other (a depthwise layer has one plane per work-item). With a
     * fixed window, neighbouring rows also share each input row the work-item loads.
     */
    static int rowsPerItem(int planesPerItem) {
        return Math.max(1, MIN_CHAINS / planesPerItem);
    }
}
