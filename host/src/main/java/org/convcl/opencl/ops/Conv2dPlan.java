package org.convcl.opencl.ops;

import java.util.List;
import org.convcl.Conv2dShape;
import org.convcl.opencl.Conv2dPath;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * How one convolution runs: the path, the SGEMM configuration its GEMMs are built with, and, for the paths that
 * write column matrices or transformed tiles, the chunks those are cut into. Made by {@link Conv2dPlanner};
 * executed by {@link Conv2d} (forward) and {@link Conv2dBackward}.
 *
 * @param chunks       the chunks in order; empty for the paths without a column matrix or transformed tiles
 * @param winogradTile output pixels per tile side of the Winograd path (2 or 4); 0 for the other paths
 */
public record Conv2dPlan(Conv2dShape shape, Conv2dPath path, SgemmConfig sgemm, List<ColumnChunks.Chunk> chunks,
                         int winogradTile) {
    public Conv2dPlan {
        if (path == Conv2dPath.AUTO) {
            throw new IllegalArgumentException("path: a plan names the path it runs, not AUTO");
        }
        if ((path == Conv2dPath.WINOGRAD) != (winogradTile != 0)) {
            throw new IllegalArgumentException("winogradTile: " + winogradTile + " on path " + path);
        }
        chunks = List.copyOf(chunks);
    }

    /** A plan of a path other than Winograd. */
    public Conv2dPlan(Conv2dShape shape, Conv2dPath path, SgemmConfig sgemm, List<ColumnChunks.Chunk> chunks) {
        this(shape, path, sgemm, chunks, 0);
    }

    /** The Winograd path's tiles; only for a Winograd plan. */
    WinogradTiles tiles() {
        return new WinogradTiles(shape, winogradTile);
    }

    /** Floats of the largest chunk's column matrix, or of its transformed input and products; 0 without chunks. */
    public long largestChunkFloats() {
        return path == Conv2dPath.WINOGRAD ? tiles().largest(chunks) : ColumnChunks.largest(shape, chunks);
    }

    /**
     * The plan on one line, for reports: the path, Winograd's tile, the chunk count where the work is cut, and the
     * SGEMM configuration where a GEMM runs, for example {@code IM2COL_GEMM in 3 chunks, sgemm tiled TSM=64 ...}.
     */
    public String describe() {
        var text = new StringBuilder(path.name());
        if (path == Conv2dPath.WINOGRAD) {
            text.append(" F(").append(winogradTile).append('x').append(winogradTile).append(",3x3)");
        }
        if (chunks.size() > 1) {
            text.append(" in ").append(chunks.size()).append(" chunks");
        }
        if (path != Conv2dPath.DIRECT) {
            text.append(", sgemm ").append(sgemm);
        }
        return text.toString();
    }

    /** Output pixels (GEMM columns) of the largest chunk; 0 without chunks. */
    public long largestChunkColumns() {
        return chunks.stream().mapToLong(c -> (long) c.images() * c.rows() * shape.ow()).max().orElse(0);
    }
}
