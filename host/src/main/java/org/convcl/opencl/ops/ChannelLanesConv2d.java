package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.kernels.Program;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.DeviceClass;

/**
 * The kernels of {@code channel_lanes.cl}: conv2d with the output channels in the vector lanes, from the input with
 * its padding written out ({@code lanes_pad}) and the filters laid out tap by tap in blocks of a work-item's output
 * channels ({@code lanes_weights}).
 */
public final class ChannelLanesConv2d {
    /**
     * Weight vectors per work-item a CPU may take, in order of preference, each with the time of its multiply-adds
     * relative to two vectors'. Two make the broadcast loads per multiply-add few enough and leave registers for 14
     * pixels with AVX-512; one loads a pixel per multiply-add; three leave registers for 9 pixels. Measured on Zen 5
     * (AVX-512, POCL 3.1), the kernel alone, interleaved, with as many lanes padded: one vector took 1.27x three's time
     * (5x5 on 480 channels, K=48, 14x14), three 1.03x two's (3x3 on 64 channels, K=80, 56x56; on 128, K=96, 28x28).
     */
    private static final int[] VECTORS = {2, 3, 1};
    private static final double[] VECTORS_COST = {1.0, 1.03, 1.27};
    /**
     * The most tiles a work-item takes each block of channels for ({@link Choice#tiles}): each tile keeps its sums in
     * memory between blocks, about 2 KB with AVX-512, and 16 of them stay within a core's L1 cache beside the filters.
     */
    private static final int MAX_SHARING = 16;
    /**
     * The most pixels a tile may use each filter it reads on for a work-item's tiles to share filters: beyond them the
     * filters' stream per multiply-add is small enough without, and a program of several tiles takes POCL 3.1 longer
     * to build (4.1 against 2.5 s, a whole first call, 5x5 on 480 channels). With AVX-512 on Zen 4, 7 pixels shared
     * about as fast as not (5x5 over 480 and 832 channels, 3x3 over 512 of 7x7, within 3%) and 14 took 1.06x the time
     * (3x3 over 256 of 14x14); on Zen 5, whose multiply-adds per cycle are twice Zen 4's, 7 pixels shared took 0.86x.
     */
    private static final int MAX_SHARING_PIXELS = 8;
    /**
     * The least bytes of filters a block of output channels must have for its group to share them: a core's L1 data
     * cache on the CPUs measured (32 KiB on Zen 3 and 4, 48 KiB on Zen 5 and Intel's since Ice Lake), beyond which a
     * work-item's filters come from L2 or further for every tap. Built for AVX2 on Zen 4 (two vectors of 8 filters,
     * 4 to 6 pixels), sharing took 0.74x the time on 3x3 over 512 channels of 7x7 (295 KB a block), 0.75x over 256 of
     * 14x14 (147 KB), 0.77x on 5x5 over 480 of 14x14 (768 KB), 0.93-0.95x on 3x3 over 64 and 128 channels (37 and
     * 74 KB), and 1.5x on a 7x7 over 3 channels of 224x224 (the stem's window at stride 1: 9.4 KB, in L1 anyway,
     * where sharing only costs).
     */
    private static final long SHARED_BLOCK_BYTES = 32 << 10;
    /**
     * The most multiply-adds of a window row of taps the conv kernel unrolls ({@code FIXED_KW}), KV*PB a tap. Unrolled,
     * 3x3 on 64 channels of 56x56 took 0.90x the time with AVX-512 (84 a row) and 0.83x built for AVX2 (36); 5x5 on 192
     * channels of 28x28 0.95x (140) and 0.91x (60); MNIST's 5x5 0.90x (120); the stem's 7x7 at stride 2 2.2x with
     * AVX-512 (196) and the same built for AVX2 (84); the speech layer's 11 columns 2x (286). The kernel alone,
     * pyopencl, side by side, Zen 5.
     */
    private static final int MAX_UNROLLED = 140;
    /**
     * Weight vectors per work-item where the group's filters fill them with no more padding than the usual choice,
     * which would split them into blocks, with 32 registers: every input pixel is then loaded once for all the
     * filters, not once a block, and 7 pixels fit beside the broadcast pixel, the multiply-adds reading the weights
     * from memory. With AVX-512 on Zen 4, 64 filters, against two vectors of 14 pixels (the kernel alone, pyopencl,
     * side by side): 1x1 over 256 channels of 56x56 took 0.83x the time (6 pixels 1.01x), the stem's 7x7 at stride 2
     * 0.85-0.89x, 1x1 over 64 channels 0.85-0.96x, 3x3 over 64 and 128 channels and 5x5 over 32 and 192 1.00-1.02x.
     */
    private static final int ONE_BLOCK_VECTORS = 4;
    /**
     * The most tiles an output row may have for the conv kernel to be built with their places in the row
     * ({@code ROW_TILES}), a copy of the unrolled taps for each, which then leave out the taps of each pixel that
     * read padding. The kernel alone, pyopencl, side by side, Zen 4 with AVX-512: 5x5 over 480 channels of 14x14 (two
     * tiles of 7) took 0.90x the time, over 192 of 28x28 (two of 14) 0.92x, over 832 of 7x7 (one tile) 0.80x, and
     * built for AVX2 (tiles of 4 and 3) 0.93x; those rows skipped first.
     */
    private static final int MAX_ROW_TILES = 2;
    /**
     * The least share of a row's work ({@link #rowWork}) that fewer pixels per work-item must save to be taken, with
     * 32 registers, over the fewest work-items. The kernel alone, pyopencl, side by side, Zen 4 with AVX-512: the
     * speech layer's rows of 100 in tiles of 10 (100 computed) took 0.96x the time of 13 (104), a 1x1 layer's rows of
     * 256 in tiles of 8 0.95-0.97x the time of 14 (266), 3x3 over 64 channels' rows of 50 in tiles of 10 0.96x the
     * time of 13 (52); MNIST's 5x5 on one channel, rows of 24, in tiles of 8 0.91x the time of 12 (work 0.91x), and a
     * 3x3 on one channel, rows of 28, in tiles of 7 1.13x the time of 14 (work 1.13x) and of 8 0.985x (work 0.94x).
     * Built for AVX2 (16 registers), fewer pixels took longer even where they computed fewer: the stem's rows of 112
     * in tiles of 4 1.04x the time of 6 (114), Inception's 5x5 over 192 channels' rows of 28 in tiles of 4 1.06x the
     * time of 6 (30); there the fewer sums no longer hide the multiply-adds' latency.
     */
    private static final double WORK_SAVED = 0.03;
    /** A GPU's choices, for correctness rather than speed: planners never prefer this kernel there. */
    private static final int GPU_WIDTH = 4;
    private static final int GPU_PIXELS = 4;

    private final ClContext cl;

    /**
     * The launch-time choices.
     *
     * @param vectors weight vectors per work-item (KV)
     * @param pixels  output pixels of a row per work-item (PB)
     * @param width   floats per vector (VW)
     * @param localX  work-items per group
     * @param tiles   neighbouring tiles of one image per work-item ({@code TILES}), which take each block of channels
     *                together and so share its filters where more than one
     */
    public record Choice(int vectors, int pixels, int width, int localX, int tiles) {
        /** Output channels per work-item. */
        public int lanes() {
            return vectors * width;
        }

        /** The output channels of a group rounded up to whole work-items: the laid-out filters' last dimension. */
        public int paddedChannels(Conv2dShape s) {
            return (s.kPerGroup() + lanes() - 1) / lanes() * lanes();
        }

        /** Rows of the padded input: those the output's windows reach. */
        public long paddedRows(Conv2dShape s) {
            var p = s.params();
            return (s.oh() - 1L) * p.strideH() + (s.kh() - 1L) * p.dilationH() + 1;
        }

        /**
         * Columns of the padded input: those the output's windows reach. A row's last tile ends at its last pixel,
         * overlapping the one before it where the pixels do not divide the row ({@code channel_lanes.cl}).
         */
        public long paddedWidth(Conv2dShape s) {
            var p = s.params();
            return (s.ow() - 1L) * p.strideW() + (s.kw() - 1L) * p.dilationW() + 1;
        }

        /**
         * Whether the conv launch reads the input itself: where it is built with the tiles' places in their rows
         * ({@link #placesTiles}), which leave out every tap on the padding, or where there is no padding before the
         * first row or column and the windows stay within the rows and columns (unpadded layers such as MNIST's 5x5
         * on 28x28 images).
         */
        public boolean readsInputInPlace(Conv2dShape s) {
            var p = s.params();
            return placesTiles(s) || p.padTop() == 0 && p.padLeft() == 0 && paddedRows(s) <= s.h()
                    && paddedWidth(s) <= s.w();
        }

        /** Whether the conv kernel is built with a window row's taps unrolled ({@code MAX_UNROLLED}). */
        boolean unrollsTaps(Conv2dShape s) {
            return (long) s.kw() * pixels * vectors <= MAX_UNROLLED;
        }

        /**
         * Whether the conv kernel is built with each tile's place in its row ({@code MAX_ROW_TILES}): the taps are
         * unrolled, a row has few tiles and some of their taps read the padding's columns.
         */
        boolean placesTiles(Conv2dShape s) {
            return unrollsTaps(s) && tilesWide(s) <= MAX_ROW_TILES && skipsColumns(s);
        }

        /** Floats of one image's padded input: none where the input is read in place. */
        public long paddedFloatsPerImage(Conv2dShape s) {
            return readsInputInPlace(s) ? 0 : s.c() * paddedRows(s) * paddedWidth(s);
        }

        /**
         * Floats of the laid-out filters: per group, every tap's padded channels, then what each tap adds where it
         * reads only padding, summed over the group's channels.
         */
        public long filterFloats(Conv2dShape s) {
            return tapFloats(s) + (long) s.groups() * s.kh() * s.kw() * paddedChannels(s);
        }

        /** Floats of the laid-out filters without the padding sums that follow them. */
        long tapFloats(Conv2dShape s) {
            return (long) s.groups() * s.cPerGroup() * s.kh() * s.kw() * paddedChannels(s);
        }

        /** Floats of the laid-out filters of one block of output channels, a work-item's: every tap's lanes. */
        public long blockFilterFloats(Conv2dShape s) {
            return (long) s.cPerGroup() * s.kh() * s.kw() * lanes();
        }

        /** What the laid-out filters are, with every parameter their layout depends on. */
        public String filterLayout(Conv2dShape s) {
            return "channel lanes taps of G=" + s.groups() + " K/G=" + s.kPerGroup() + " C/G=" + s.cPerGroup() + " "
                    + s.kh() + "x" + s.kw() + " padded to " + paddedChannels(s) + " in blocks of " + lanes();
        }

        /**
         * Whether the conv launch runs a chunk of {@code images} images inside each block of output channels rather
         * than the blocks inside each image: whichever cycles the smaller working set, all the images' inputs and one
         * block's filters, or one image's input and all the filters. Deep layers on small images (5x5 on 832
         * channels, K=128, 7x7) have far more filters than input.
         */
        public boolean imagesInner(Conv2dShape s, int images) {
            long input = readsInputInPlace(s) ? (long) s.c() * s.h() * s.w() : paddedFloatsPerImage(s);
            return images * input + blockFilterFloats(s) < input + filterFloats(s);
        }

        /** Work-groups of the conv launch over {@code images} images. */
        public long workGroups(Conv2dShape s, int images) {
            return (items(s) + localX - 1) / localX * (paddedChannels(s) / lanes()) * s.groups() * images;
        }

        /** Whether a work-item's tiles share the filters they read. */
        public boolean sharesFilters() {
            return tiles > 1;
        }

        /** Work-items along a row of planes: its tiles, {@link #tiles} to a work-item. */
        long items(Conv2dShape s) {
            return (tilesWide(s) * s.oh() + tiles - 1) / tiles;
        }

        /** Whether some tile's pixel has a tap that reads no input: a column of the padding. */
        boolean skipsColumns(Conv2dShape s) {
            var p = s.params();
            return p.padLeft() > 0 || paddedWidth(s) > p.padLeft() + (long) s.w();
        }

        long tilesWide(Conv2dShape s) {
            return (s.ow() + pixels - 1) / pixels;
        }

        @Override
        public String toString() {
            return "KV=" + vectors + " PB=" + pixels + " VW=" + width + (sharesFilters() ? ", filters shared by "
                    + tiles + " tiles" : "");
        }
    }

    public ChannelLanesConv2d(ClContext cl) {
        this.cl = cl;
    }

    /**
     * The choices for {@code s} on {@code device}. On a CPU: the vectors (their width, the SIMD width or a narrower
     * one, and their number, one of {@link #VECTORS}) whose multiply-adds over a group's output channels, padded to
     * whole work-items, take the least time by {@link #VECTORS_COST}; among equals the fewest padded channels, whose
     * lanes are wasted and whose tiles are stored float by float (a group of 8 filters on 16-float vectors), or
     * {@link #ONE_BLOCK_VECTORS} where they hold the group's filters that the others split. Then as many pixels as
     * the registers left hold (one per vector for its weights, but for those, one for the broadcast pixel), evened
     * out over the row so that the last work-item wastes least, or with 32 registers fewer where the row's
     * multiply-adds and stores are much fewer ({@link #rowPixels}). Where a block's filters outgrow
     * {@link #SHARED_BLOCK_BYTES} and a tile has at most {@link #MAX_SHARING_PIXELS} pixels, an image's tiles,
     * evened out into work-items of at most {@link #MAX_SHARING}, share each block's filters.
     */
    public static Choice choose(Conv2dShape s, DeviceInfo device) {
        if (DeviceClass.of(device) != DeviceClass.CPU) {
            return new Choice(1, evenly(s.ow(), GPU_PIXELS), GPU_WIDTH, Launch.LOCAL_1D, 1);
        }
        int simd = device.preferredFloatVectorWidth();
        int widest = simd >= 16 ? 16 : simd >= 8 ? 8 : 4;
        int registers = device.vectorRegisters();
        boolean wide = registers == DeviceInfo.WIDE_REGISTERS;
        Choice best = null;
        double bestCost = Double.MAX_VALUE;
        for (int width = widest; width >= 4; width /= 2) {
            for (int i = 0; i < VECTORS.length; i++) {
                var choice = new Choice(VECTORS[i], 1, width, 1, 1);
                double cost = (double) choice.paddedChannels(s) / width * VECTORS_COST[i];
                if (best == null || cost < bestCost
                        || cost == bestCost && choice.paddedChannels(s) < best.paddedChannels(s)) {
                    best = choice;
                    bestCost = cost;
                }
            }
        }
        int vectors = best.vectors(), most = (registers - 1 - vectors) / vectors;
        var oneBlock = new Choice(ONE_BLOCK_VECTORS, 1, best.width(), 1, 1);
        if (wide && best.paddedChannels(s) > best.lanes()
                && oneBlock.paddedChannels(s) == oneBlock.lanes()
                && oneBlock.paddedChannels(s) <= best.paddedChannels(s)) {
            vectors = ONE_BLOCK_VECTORS;
            most = (registers - 1) / vectors;
        }
        int pixels = wide ? rowPixels(s.ow(), most, (long) s.cPerGroup() * s.kh() * s.kw(), best.width())
                : evenly(s.ow(), most);
        var lanes = new Choice(vectors, pixels, best.width(), 1, 1);
        if (lanes.pixels() > MAX_SHARING_PIXELS || lanes.blockFilterFloats(s) * Float.BYTES <= SHARED_BLOCK_BYTES) {
            return lanes;
        }
        long tiles = lanes.tilesWide(s) * s.oh();
        int groups = (int) ((tiles + MAX_SHARING - 1) / MAX_SHARING);
        return new Choice(vectors, lanes.pixels(), lanes.width(), 1, (int) ((tiles + groups - 1) / groups));
    }

    /** The fewest pixels per work-item that cover a row of {@code ow} in as few work-items as {@code most} would. */
    private static int evenly(int ow, int most) {
        int items = (ow + most - 1) / most;
        return (ow + items - 1) / items;
    }

    /**
     * Pixels per work-item on rows of {@code ow}, at most {@code most}, for {@code taps} taps per output pixel and
     * vectors of {@code width}: {@link #evenly}'s, unless a number from half of {@code most} up does at least
     * {@link #WORK_SAVED} less {@link #rowWork} (the least such, the most pixels among equals).
     */
    private static int rowPixels(int ow, int most, long taps, int width) {
        int even = evenly(ow, most), least = even;
        for (int p = Math.min(most, ow); p >= (most + 1) / 2; p--) {
            if (rowWork(ow, p, taps, width) < rowWork(ow, least, taps, width)) {
                least = p;
            }
        }
        return rowWork(ow, least, taps, width) <= rowWork(ow, even, taps, width) * (1 - WORK_SAVED) ? least : even;
    }

    /**
     * The instructions a row of {@code ow} in tiles of {@code pixels} takes per vector of weights, one each: the
     * multiply-adds of every computed pixel, the overlap of its last tile included, and each tile's store of its sums
     * ({@link #storeInstructions}). The stores matter only where the taps are few (a window on one channel).
     */
    private static double rowWork(int ow, int pixels, long taps, int width) {
        long tiles = (ow + pixels - 1) / pixels;
        return (double) tiles * pixels * taps + (double) tiles * storeInstructions(pixels, width);
    }

    /**
     * The shuffles and stores that put a tile of {@code pixels} by a vector of {@code width} channels into the
     * channels' rows ({@code storeTile} in {@code channel_lanes.cl}): runs of {@code width} pixels, then the rest as
     * one run of the least power of two that holds it, each run of R transposed in R*log2(R) shuffles, and stored per
     * channel in pieces of 16, 8, 4, 2 and 1 pixels.
     */
    private static long storeInstructions(int pixels, int width) {
        int whole = pixels / width, rest = pixels % width;
        long instructions = (long) whole * (width * log2(width) + width);
        if (rest > 0) {
            int run = Integer.highestOneBit(rest) == rest ? rest : Integer.highestOneBit(rest) << 1;
            instructions += (long) run * log2(run) + (long) width * Integer.bitCount(rest);
        }
        return instructions;
    }

    private static int log2(int powerOfTwo) {
        return Integer.numberOfTrailingZeros(powerOfTwo);
    }

    /** Writes the laid-out filters wt, and after them the padding sums, from w (K, C/G, KH, KW). */
    public void filters(Choice choice, Conv2dShape s, DeviceBuffer w, DeviceBuffer wt) {
        int taps = s.cPerGroup() * s.kh() * s.kw(), window = s.kh() * s.kw(), padded = choice.paddedChannels(s);
        layout("lanes_weights").buffer(w).buffer(wt).i32(s.kPerGroup()).i32(taps).i32(padded)
                .i32(choice.lanes()).enqueuePlanes(padded, (long) s.groups() * taps);
        layout("lanes_padding_weights").buffer(w).buffer(wt).i64(choice.tapFloats(s)).i32(s.kPerGroup())
                .i32(s.cPerGroup()).i32(window).i32(padded).enqueuePlanes(padded, (long) s.groups() * window);
    }

    /** Writes the padded input of a chunk's images at the start of xp. */
    public void pad(Choice choice, Conv2dShape s, ColumnChunks.Chunk chunk, DeviceBuffer x, DeviceBuffer xp) {
        var p = s.params();
        int rows = Launch.requireInt("channel lanes: padded input rows", choice.paddedRows(s));
        int width = Launch.requireInt("channel lanes: padded input width", choice.paddedWidth(s));
        layout("lanes_pad").buffer(x).i64((long) chunk.n0() * s.c() * s.h() * s.w()).buffer(xp)
                .i32(s.h()).i32(s.w()).i32(p.padTop()).i32(p.padLeft()).i32(rows).i32(width)
                .enqueuePlanes(rows, (long) chunk.images() * s.c());
    }

    /**
     * Writes the chunk's images of y (N, K, OH, OW) from its padded input, at the start of xp, or from the input
     * itself where {@link Choice#readsInputInPlace} (xp is then the input and the chunk the whole batch), the bias (K)
     * or null and the epilogue.
     */
    public void conv(Choice choice, Conv2dShape s, ColumnChunks.Chunk chunk, DeviceBuffer xp, DeviceBuffer wt,
                     DeviceBuffer bias, Epilogue epilogue, DeviceBuffer y) {
        var p = s.params();
        boolean inPlace = choice.readsInputInPlace(s);
        long rows = inPlace ? s.h() : choice.paddedRows(s), width = inPlace ? s.w() : choice.paddedWidth(s);
        long items = Launch.requireInt("channel lanes: work-items of a row of planes", choice.items(s));
        // The stride along the width built in lets the pixels' loads take constant offsets (channel_lanes.cl): the
        // speech layer (41x11, stride 2) took 0.92x the time, the 7x7 stride-2 stem 0.96x, both 0.88x built for AVX2;
        // at stride 1, the 3x3 layer on 64 channels 0.96-0.98x and the 5x5 Inception layer 0.97x (0.96x for AVX2).
        String shape = " -DPIXEL_STRIDE=" + p.strideW() + " -DCOLUMN_DILATION=" + p.dilationW()
                + (choice.unrollsTaps(s) ? " -DFIXED_KW=" + s.kw() : "");
        if (choice.placesTiles(s)) {
            shape += " -DROW_TILES=" + choice.tilesWide(s) + " -DPAD_LEFT=" + p.padLeft() + " -DIN_COLUMNS=" + s.w()
                    + " -DOUT_COLUMNS=" + s.ow();
        }
        var launch = epilogue.arguments(launch(choice, "lanes_conv", epilogue.defines() + shape).buffer(xp).buffer(wt)
                .optional(bias, wt), wt).buffer(y).i64((long) chunk.n0() * s.k() * s.outputPlane())
                .i32(s.c()).i32(s.k()).i32(s.groups()).i32((int) rows).i32((int) width)
                .i32(p.padTop()).i32(s.h()).i32(s.kh()).i32(s.kw()).i32(p.strideH()).i32(p.strideW())
                .i32(p.dilationH())
                .i32(s.oh()).i32(s.ow()).i32(choice.paddedChannels(s));
        long blocks = (long) choice.paddedChannels(s) / choice.lanes() * s.groups();
        boolean imagesInner = choice.imagesInner(s, chunk.images());
        launch.i32(imagesInner ? 1 : 0).enqueue(new long[] {Launch.roundUp(items, choice.localX()),
                imagesInner ? chunk.images() : blocks, imagesInner ? blocks : chunk.images()},
                new long[] {choice.localX(), 1, 1});
    }

    /**
     * The kernels that lay out the filters and pad the input: built without the work-item's shape, which they do not
     * read, so that one build serves every layer.
     */
    private Launch layout(String kernel) {
        return new Launch(cl, cl.kernel(Program.CHANNEL_LANES, kernel, ""), kernel);
    }

    private Launch launch(Choice choice, String kernel, String moreDefines) {
        String defines = "-DVW=" + choice.width() + " -DKV=" + choice.vectors() + " -DPB=" + choice.pixels()
                + " -DLOCAL_X=" + choice.localX() + " -DTILES=" + choice.tiles() + moreDefines;
        return new Launch(cl, cl.kernel(Program.CHANNEL_LANES, kernel, defines), kernel);
    }
}
