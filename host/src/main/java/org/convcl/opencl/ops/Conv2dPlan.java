package org.convcl.opencl.ops;

import java.util.List;
import org.convcl.Conv2dShape;
import org.convcl.opencl.Conv2dPath;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * How one convolution runs: the path, the SGEMM configuration its GEMMs are built with, and, for the paths that
 * write column matrices, the chunks those are cut into. Made by {@link Conv2dPlanner}; executed by
 * {@link Conv2d} (forward) and {@link Conv2dBackward}.
 *
 * @param chunks the column-matrix chunks in order; empty for the paths without a column matrix
 */
public record Conv2dPlan(Conv2dShape shape, Conv2dPath path, SgemmConfig sgemm, List<ColumnChunks.Chunk> chunks) {
    public Conv2dPlan {
        if (path == Conv2dPath.AUTO) {
            throw new IllegalArgumentException("path: a plan names the path it runs, not AUTO");
        }
        chunks = List.copyOf(chunks);
    }

    /** Floats of the largest chunk's column matrix; 0 without chunks. */
    public long largestChunkFloats() {
        return ColumnChunks.largest(shape, chunks);
    }

    /** Output pixels (GEMM columns) of the largest chunk; 0 without chunks. */
    public long largestChunkColumns() {
        return chunks.stream().mapToLong(c -> (long) c.images() * c.rows() * shape.ow()).max().orElse(0);
    }
}
