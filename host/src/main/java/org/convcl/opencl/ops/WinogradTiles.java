package org.convcl.opencl.ops;

import java.util.List;
import org.convcl.Conv2dShape;

/**
 * The tiles of Winograd F(tile x tile, r x r) over a convolution's output, r its filters' side, and the sizes of its
 * transformed tensors: U (positions, K, C), V (positions, C, tiles) and M (positions, K, tiles), where positions =
 * (tile + r - 1)^2.
 *
 * @param tile output pixels per tile side: 2 or 4 for 3x3 filters, 2 for 5x5
 */
public record WinogradTiles(Conv2dShape shape, int tile) {
    public static final int RUN = 8;
    private static final int LINE_FLOATS = 16;

    public WinogradTiles {
        if (tile != 2 && tile != 4) {
            throw new IllegalArgumentException("tile: " + tile + ", must be 2 or 4");
        }
        if (shape.kh() != shape.kw() || (shape.kh() != 3 && (shape.kh() != 5 || tile != 2))) {
            throw new IllegalArgumentException("Winograd F(" + tile + "x" + tile + "): no transform for a " + shape.kh()
                    + "x" + shape.kw() + " window; F(2x2) and F(4x4) take 3x3, F(2x2) 5x5");
        }
    }

    /** The filters' side. */
    public int window() {
        return shape.kh();
    }

    /** The ALPHA^2 transform positions, each one GEMM, ALPHA = tile + window - 1 input pixels a tile side. */
    public int positions() {
        int alpha = tile + window() - 1;
        return alpha * alpha;
    }

    /** Tiles per output row of tiles; the last may reach past OW. */
    public int tilesWide() {
        return (shape.ow() + tile - 1) / tile;
    }

    /** Tiles of the whole output. */
    public long count() {
        return (long) shape.n() * ((shape.oh() + tile - 1) / tile) * tilesWide();
    }

    /** Tiles of a chunk: its images times its rows of tiles times the tiles per row. */
    public long tilesOf(ColumnChunks.Chunk c) {
        return (long) c.images() * ((c.rows() + tile - 1) / tile) * tilesWide();
    }

    /**
     * Work-items of the input and output transforms of a chunk per channel: each takes a run of up to
     * {@value #RUN} neighbouring tiles of one row of tiles, one vector lane per tile (passed to {@code winograd.cl} as
     * pixel_runs.cl's VW).
     */
    public long runsOf(ColumnChunks.Chunk c) {
        return (long) c.images() * ((c.rows() + tile - 1) / tile) * runsWide();
    }

    /** Runs of {@value #RUN} tiles per row of tiles, the last one short where RUN does not divide the row. */
    public int runsWide() {
        return (tilesWide() + RUN - 1) / RUN;
    }

    /** Runs of the whole output: the work-items of the fused kernel. */
    public long runs() {
        return runsOf(new ColumnChunks.Chunk(0, shape.n(), 0, shape.oh()));
    }

    /**
     * Floats from one transform position's (channels x tiles) matrix of V or M to the next: the matrix and one cache
     * line more, so that the positions a work-item reads or writes together do not start at the same offset within
     * a page and fall into one set of the cache. The gap also holds what a whole {@value #RUN}-lane load from a row's
     * last run reads past the matrix: {@code winograd_output} loads M so.
     */
    public long positionStride(int channels, ColumnChunks.Chunk c) {
        return channels * tilesOf(c) + LINE_FLOATS;
    }

    /** Floats of the gaps after V's and M's positions, whatever the chunk. */
    public long gapFloats() {
        return 2L * positions() * LINE_FLOATS;
    }

    /** Floats of V and M for one row of tiles of one image: what the column budget limits. */
    public long floatsPerTileRow() {
        return (long) positions() * (shape.c() + shape.k()) * tilesWide();
    }

    /** Floats of U, the transformed filters. */
    public long filterFloats() {
        return (long) positions() * shape.k() * shape.c();
    }

    /** What U is, with every parameter its layout depends on: the transform and the filters' shape. */
    public String filterLayout() {
        return "Winograd U of F(" + tile + "x" + tile + "," + window() + "x" + window() + ") for K=" + shape.k() + " C="
                + shape.c();
    }

    /** Floats of V and M of the largest chunk. */
    public long largest(List<ColumnChunks.Chunk> chunks) {
        return chunks.stream().mapToLong(c -> positions() * (positionStride(shape.c(), c) + positionStride(shape.k(), c)))
                .max().orElse(0);
    }
}
