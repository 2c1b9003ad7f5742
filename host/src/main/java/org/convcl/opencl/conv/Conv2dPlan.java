package org.convcl.opencl.conv;

import java.util.List;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.ChannelLanesConv2d;
import org.convcl.opencl.ops.ColumnChunks;
import org.convcl.opencl.ops.DirectConv2d;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.ops.WinogradTiles;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * How one convolution runs, with every choice its launches make, so that {@link #describe()} says exactly what ran:
 * the algorithm, its GEMM's configuration, packing and batch folding, the chunks its column matrices or transformed
 * tiles are cut into, Winograd's tile, the direct kernel's blocking and the implicit GEMM's gather. Made by an
 * algorithm for {@link Conv2dPlanner}.
 *
 * @param gemm         the main GEMM's choices; null for the direct kernels and the fused Winograd
 * @param chunks       the chunks in order; empty for the algorithms without column matrices or transformed tiles
 * @param winogradTile output pixels per tile side of Winograd (2 or 4); 0 for the other algorithms
 * @param direct       the direct kernel's choices; null for the other algorithms
 * @param lanes        the channel-lanes kernel's choices; null for the other algorithms
 * @param gather       how the implicit GEMM gathers its B; {@link Gather#NONE} for the other algorithms
 */
public record Conv2dPlan(Conv2dShape shape, ConvAlgorithm algorithm, Sgemm.Choice gemm,
                         List<ColumnChunks.Chunk> chunks, int winogradTile, DirectConv2d.Choice direct,
                         ChannelLanesConv2d.Choice lanes, Gather gather) {
    public Conv2dPlan {
        boolean fused = algorithm instanceof FusedWinogradAlgorithm;
        if ((algorithm instanceof WinogradAlgorithm || fused) != (winogradTile != 0)) {
            throw new IllegalArgumentException("winogradTile: " + winogradTile + " with " + ConvAlgorithms.idOf(algorithm));
        }
        if ((algorithm instanceof DirectAlgorithm) != (direct != null)
                || (algorithm == ConvAlgorithms.CHANNEL_LANES) != (lanes != null)
                || (direct == null && lanes == null && !fused) == (gemm == null)) {
            throw new IllegalArgumentException("plan: " + ConvAlgorithms.idOf(algorithm) + " with " + gemm + ", "
                    + direct + " and " + lanes);
        }
        chunks = List.copyOf(chunks);
    }

    /** A plan whose one GEMM does the work, in the given chunks. */
    static Conv2dPlan gemm(Conv2dShape s, ConvAlgorithm algorithm, Sgemm.Choice gemm, List<ColumnChunks.Chunk> chunks) {
        return new Conv2dPlan(s, algorithm, gemm, chunks, 0, null, null, Gather.NONE);
    }

    /** A plan of the channel-lanes kernel, in the given chunks of whole images. */
    static Conv2dPlan lanes(Conv2dShape s, ConvAlgorithm algorithm, ChannelLanesConv2d.Choice lanes,
                            List<ColumnChunks.Chunk> chunks) {
        return new Conv2dPlan(s, algorithm, null, chunks, 0, null, lanes, Gather.NONE);
    }

    /** The configuration of the main GEMM, or null for the direct kernels. */
    public SgemmConfig sgemm() {
        return gemm == null ? null : gemm.config();
    }

    /**
     * The work-groups of the main launch: the GEMM's (per chunk), the direct kernels' (the largest chunk's) or the
     * fused Winograd's, one work-item each.
     */
    public long workGroups() {
        if (algorithm instanceof FusedWinogradAlgorithm) {
            return tiles().runs();
        }
        if (lanes != null) {
            return lanes.workGroups(shape, largestChunkImages());
        }
        return gemm != null ? gemm.workGroups() : direct.workGroups();
    }

    /** Winograd's tiles; only for a Winograd plan. */
    WinogradTiles tiles() {
        return new WinogradTiles(shape, winogradTile);
    }

    /** Floats of the largest chunk's column matrix, or of its transformed input and products; 0 without chunks. */
    public long largestChunkFloats() {
        return algorithm.workspaceFloats(this);
    }

    /** Images of the largest chunk; 0 without chunks. */
    int largestChunkImages() {
        return chunks.stream().mapToInt(ColumnChunks.Chunk::images).max().orElse(0);
    }

    /** Output pixels (GEMM columns) of the largest chunk; 0 without chunks. */
    public long largestChunkColumns() {
        return chunks.stream().mapToLong(c -> (long) c.images() * c.rows() * shape.ow()).max().orElse(0);
    }

    /**
     * The plan on one line, for reports: the algorithm, Winograd's tile (for every Winograd, by rule or fixed), the
     * chunk count where the work is cut, the direct kernel's blocking or the GEMM's configuration, for example
     * {@code IM2COL_GEMM in 3 chunks, sgemm tiled MWG=64 ...}.
     */
    public String describe() {
        var text = new StringBuilder(winogradTile != 0 && !(algorithm instanceof FusedWinogradAlgorithm) ? "WINOGRAD"
                : ConvAlgorithms.idOf(algorithm));
        if (winogradTile != 0) {
            text.append(" F(").append(winogradTile).append('x').append(winogradTile).append(',').append(shape.kh())
                    .append('x').append(shape.kw()).append(')');
        }
        if (chunks.size() > 1) {
            text.append(" in ").append(chunks.size()).append(" chunks");
        }
        if (direct != null) {
            text.append(", ").append(direct);
        }
        if (lanes != null) {
            text.append(", ").append(lanes).append(lanes.readsInputInPlace(shape) ? ", input read in place" : "")
                    .append(lanes.imagesInner(shape, largestChunkImages()) ? ", images inside each filter block" : "");
        }
        if (gemm != null) {
            text.append(", sgemm ").append(gemm);
        }
        if (gather.wideWindow()) {
            text.append(", 64-bit window coordinates");
        }
        if (gather.tapTable()) {
            text.append(", taps tabulated");
        }
        return text.toString();
    }
}
