package org.convcl.opencl.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.Conv2dPath;
import org.convcl.opencl.DeviceInfo;
import org.convcl.opencl.FakeDevices;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;

/** The plans for shapes and devices, checked without an OpenCL context: no kernel is built or launched. */
class Conv2dPlannerTest {
    private static final long GIB = 1L << 30;
    private static final DeviceInfo CPU = FakeDevices.cpu(16);
    private static final DeviceInfo GPU = FakeDevices.gpu();
    private static final SgemmConfig.Blocked BLOCKED = new SgemmConfig.Blocked(8, 16, 3, 1, 8, 128);
    private static final SgemmConfig.Tiled TILED = new SgemmConfig.Tiled(64, 64, 16, 4, 4);
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);

    private static Conv2dShape shape(int n, int c, int hw, int k, int kernel, Conv2dParams p) {
        return p.shapeOf(new int[] {n, c, hw, hw}, new int[] {k, c / p.groups(), kernel, kernel}, null);
    }

    private static Conv2dPlanner automatic(DeviceInfo device, SgemmConfig sgemm) {
        return new Conv2dPlanner(device, sgemm, GIB, Conv2dPath.AUTO);
    }

    @Test
    void cpuDevicesGatherTheColumnMatrixInsideTheGemm() {
        var plan = automatic(CPU, BLOCKED).forward(shape(2, 64, 56, 64, 3, SAME));
        assertEquals(Conv2dPath.IMPLICIT_GEMM, plan.path());
        assertEquals(List.of(), plan.chunks());
        // 64 output channels per group: the configured 8 x 8 rows of a work-group already cover them.
        assertEquals(BLOCKED, plan.sgemm());
        // 16 output channels: a group half as tall, so fewer rows are computed and thrown away.
        assertEquals(BLOCKED.withLocalM(4), automatic(CPU, BLOCKED).forward(shape(2, 64, 56, 16, 3, SAME)).sgemm());
        // 200: twice as tall, so each panel is still gathered once.
        assertEquals(BLOCKED.withLocalM(16), automatic(CPU, BLOCKED).forward(shape(1, 8, 28, 200, 3, SAME)).sgemm());
    }

    @Test
    void gpuDevicesLowerWithIm2colInChunksThatFitTheBudget() {
        var s = shape(4, 64, 28, 64, 3, SAME);
        var plan = automatic(GPU, TILED).forward(s);
        assertEquals(Conv2dPath.IM2COL_GEMM, plan.path());
        assertEquals(List.of(new ColumnChunks.Chunk(0, 4, 0, 28)), plan.chunks());

        // One image's column matrix is 64*9*28*28 floats = 1,806,336 bytes; a budget of 2.5 images gives 2 per chunk.
        long oneImage = 64L * 9 * 28 * 28 * Float.BYTES;
        var chunked = new Conv2dPlanner(GPU, TILED, oneImage * 5 / 2, Conv2dPath.AUTO).forward(s);
        assertEquals(List.of(new ColumnChunks.Chunk(0, 2, 0, 28), new ColumnChunks.Chunk(2, 2, 0, 28)),
                chunked.chunks());
        // A budget of 10 output rows: each image in three row slices of 10, 10 and 8 rows.
        var sliced = new Conv2dPlanner(GPU, TILED, oneImage / 28 * 10, Conv2dPath.AUTO).forward(s);
        assertEquals(12, sliced.chunks().size());
        assertEquals(new ColumnChunks.Chunk(1, 1, 20, 8), sliced.chunks().get(5));
        assertEquals(oneImage / 28 * 10 / Float.BYTES, sliced.largestChunkFloats());
    }

    @Test
    void depthwiseTinyAndPointwiseLayersTakeTheirOwnPaths() {
        for (var planner : List.of(automatic(CPU, BLOCKED), automatic(GPU, TILED))) {
            assertEquals(Conv2dPath.DIRECT, planner.forward(shape(1, 256, 28, 256, 3, SAME.withGroups(256))).path());
            assertEquals(Conv2dPath.DIRECT, planner.forward(shape(1, 1, 8, 1, 3, SAME)).path());
            assertEquals(Conv2dPath.POINTWISE, planner.forward(shape(1, 256, 14, 1024, 1, Conv2dParams.DEFAULT)).path());
            // A strided 1x1 layer is not the images as they are: it goes through the general path.
            assertTrue(planner.forward(shape(1, 256, 14, 1024, 1, Conv2dParams.DEFAULT.withStride(2, 2))).path()
                    != Conv2dPath.POINTWISE);
        }
    }

    @Test
    void theBackwardPassChunksAsForwardIm2colWould() {
        var s = shape(3, 16, 20, 8, 3, SAME.withStride(2, 2));
        long budget = 16L * 9 * 10 * 4 * Float.BYTES; // four output rows of one image
        var cpu = new Conv2dPlanner(CPU, BLOCKED, budget, Conv2dPath.AUTO);
        var gpu = new Conv2dPlanner(GPU, TILED, budget, Conv2dPath.IM2COL_GEMM);
        assertEquals(Conv2dPath.IM2COL_GEMM, cpu.backward(s).path());
        assertEquals(gpu.forward(s).chunks(), cpu.backward(s).chunks());
        assertEquals(new ColumnChunks.Chunk(0, 1, 8, 2), cpu.backward(s).chunks().get(2));
    }

    @Test
    void pinnedPathsAreRefusedWhereTheyCannotRun() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dPlanner(GPU, TILED, GIB, Conv2dPath.IMPLICIT_GEMM));
        assertTrue(e.getMessage().startsWith("path: IMPLICIT_GEMM needs the register-blocked SGEMM"), e.getMessage());

        var pointwise = new Conv2dPlanner(CPU, BLOCKED, GIB, Conv2dPath.POINTWISE);
        e = assertThrows(IllegalArgumentException.class, () -> pointwise.forward(shape(1, 4, 8, 4, 3, SAME)));
        assertTrue(e.getMessage().startsWith("path: POINTWISE needs a 1x1 kernel"), e.getMessage());

        var tiny = shape(1, 1, 8, 1, 3, SAME);
        for (var path : List.of(Conv2dPath.DIRECT, Conv2dPath.IMPLICIT_GEMM, Conv2dPath.IM2COL_GEMM)) {
            assertEquals(path, new Conv2dPlanner(CPU, BLOCKED, GIB, path).forward(tiny).path());
        }
    }
}
