package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Map;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.VerifyingBackend;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;

/**
 * Device buffers alive together stay within the device's global memory, or a smaller budget: the allocation past it
 * is refused before it is made, with what was asked, what is in use and what is left.
 */
class MemoryBudgetTest {
    private static final int KIB = 1024;

    @Test
    void tensorsPastTheBudgetAreRefusedUntilOneIsClosed() {
        var device = Devices.choose(null);
        try (var backend = OpenClBackend.open(device, BackendOptions.defaultsFor(device).withMemoryBudget(64 * KIB))) {
            var quarter = Tensor.zeros(1, 1, 64, 64);
            // Kept reachable, so that the garbage collector frees none of them.
            var tensors = new ArrayList<DeviceTensor>();
            for (int i = 0; i < 4; i++) {
                tensors.add(backend.upload(quarter));
            }
            var e = assertThrows(IllegalArgumentException.class, () -> backend.upload(quarter));
            assertEquals("tensor [1, 1, 64, 64]: needs 16384 bytes of device memory, but 65536 of the 65536 bytes"
                    + " ConvCL may use on " + device.name() + " are in use (0 available); close device tensors you no"
                    + " longer need, or use smaller batches", e.getMessage());
            tensors.get(0).close();
            backend.upload(quarter).close();
        }
    }

    /** The im2col column matrix, a workspace kept between calls, counts like a tensor. */
    @Test
    void workspacesCountAgainstTheBudget() {
        var device = Devices.choose(null);
        var x = Tensor.seeded(1).uniform(1, 8, 32, 32);
        var w = Tensor.seeded(2).uniform(8, 8, 3, 3);
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        // Input, weight and output fit; the 8*3*3 x 32*32 column matrix (288 KiB) does not.
        var options = BackendOptions.defaultsFor(device).withPath(Conv2dPath.IM2COL_GEMM).withMemoryBudget(128 * KIB);
        try (var backend = OpenClBackend.open(device, options); var dx = backend.upload(x); var dw = backend.upload(w)) {
            var e = assertThrows(IllegalArgumentException.class, () -> backend.conv2d(dx, dw, null, same));
            assertTrue(e.getMessage().startsWith("column matrix: needs 294912 bytes of device memory"), e.getMessage());
            assertEquals(2, backend.liveBuffers(), "buffers alive after the refused call");
        }
    }

    /**
     * The CPU SGEMM's packed copy of B is an optimisation, not a need: where the budget has no room for it, the
     * product reads B in place and still matches the reference.
     */
    @Test
    void withoutRoomForPackedPanelsTheProductReadsBInPlace() {
        var device = Devices.choose(null);
        var defaults = BackendOptions.defaultsFor(device);
        assumeTrue(defaults.sgemm() instanceof SgemmConfig.Blocked, "packing is the blocked (CPU) SGEMM's");
        // 1x1, 520 output channels over 32x32 pixels: many row-groups read B. Input 32 KiB, weight 16 KiB, output
        // 2080 KiB fit the budget; the packed copy of B (about 32 KiB more) does not.
        var x = Tensor.seeded(3).uniform(1, 8, 32, 32);
        var w = Tensor.seeded(4).uniform(520, 8, 1, 1);
        long tight = (x.size() + w.size() + 520L * 32 * 32) * Float.BYTES + 4 * KIB;
        try (var backend = new VerifyingBackend(OpenClBackend.open(device, defaults.withMemoryBudget(tight)))) {
            backend.conv2d(x, w, null, Conv2dParams.DEFAULT);
        }
    }

    /**
     * Issue 24, stumble 6: a host-tensor batch whose tensors exceed the memory budget runs in slices of images, as it
     * does for the allocation limit (it was refused: "output: needs ... bytes of device memory"), on the default path
     * and on im2col, whose column matrix takes room the slice sizes cannot foresee.
     */
    @Test
    void aHostBatchPastTheMemoryBudgetRunsInSlices() {
        var device = Devices.choose(null);
        // 8 images of 4x32x32 (16 KiB each) to 8x32x32 (32 KiB each): 384 KiB together, the budget 256 KiB.
        var x = Tensor.seeded(5).uniform(8, 4, 32, 32);
        var w = Tensor.seeded(6).uniform(8, 4, 3, 3);
        var b = Tensor.seeded(7).uniform(8);
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        var defaults = BackendOptions.defaultsFor(device).withMemoryBudget(256 * KIB);
        for (var options : new BackendOptions[] {defaults, defaults.withPath(Conv2dPath.IM2COL_GEMM)}) {
            try (var backend = new VerifyingBackend(OpenClBackend.open(device, options))) {
                backend.conv2d(x, w, b, same);
                backend.conv2dBackward(Tensor.seeded(8).uniform(8, 8, 32, 32), x, w, same);
            }
        }
    }

    /** Only a slice of one image that cannot fit is refused, with what it needs. */
    @Test
    void oneImagePastTheMemoryBudgetIsRefused() {
        var device = Devices.choose(null);
        try (var backend = OpenClBackend.open(device, BackendOptions.defaultsFor(device).withMemoryBudget(64 * KIB))) {
            var x = Tensor.zeros(2, 1, 128, 128);
            var e = assertThrows(IllegalArgumentException.class, () -> backend.conv2d(x, Tensor.zeros(1, 1, 1, 1), null,
                    Conv2dParams.DEFAULT));
            assertTrue(e.getMessage().startsWith("input slice: needs 65536 bytes of device memory"), e.getMessage());
            assertEquals(0, backend.liveBuffers(), "buffers alive after the refused call");
        }
    }

    /** The hostile tester's case: a device declaring 1 GiB (POCL_MEMORY_LIMIT=1) took eleven 200 MB tensors. */
    @Test
    void aDeviceDeclaringOneGibTakesFiveTensorsOf200Mb() throws Exception {
        assumeTrue(Devices.choose(null).platformName().contains("Portable Computing Language"),
                "POCL_MEMORY_LIMIT needs POCL");
        var r = ForkedJvm.run(Map.of("POCL_MEMORY_LIMIT", "1"), DeviceMemoryHog.class);
        assertEquals(0, r.status(), r.err());
        var lines = r.out().lines().toList();
        assertEquals("5 accepted", lines.get(0), r.out());
        assertTrue(lines.get(1).startsWith("tensor 5: needs 200000000 bytes of device memory, but 1000000000 of the"
                + " 1073741824 bytes ConvCL may use on "), r.out());
        assertTrue(lines.get(1).contains("(73741824 available)"), r.out());
    }
}
