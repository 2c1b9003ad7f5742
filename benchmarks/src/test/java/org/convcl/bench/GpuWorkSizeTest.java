package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.convcl.opencl.BackendOptions;
import org.convcl.opencl.FakeDevices;
import org.convcl.opencl.conv.Conv2dPlanner;
import org.convcl.opencl.conv.PlanContext;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every convolution and SGEMM of the bench suite, planned for a fake NVIDIA H100, AMD MI50 and Intel UHD 630 with
 * their untuned defaults, launches at least two work-groups per compute unit, or as many as the smallest tile (or
 * the direct kernel at one output row per work-item) can make of the problem. Prints the table of work-groups.
 */
class GpuWorkSizeTest {
    /** The smallest tile the planner may step down to. */
    private static final SgemmConfig.Tiled SMALLEST = SgemmConfig.Tiled.of(16, 16, 8, 8, 8);

    static Stream<DeviceInfo> gpus() {
        return Stream.of(FakeDevices.nvidia(), FakeDevices.amd(), FakeDevices.intelGpu());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gpus")
    void everyBenchCaseFillsTheGpu(DeviceInfo gpu) {
        var defaults = BackendOptions.defaultsFor(gpu);
        var planner = new Conv2dPlanner(new PlanContext(gpu, defaults.policy(), defaults.sgemm(),
                defaults.columnBudgetBytes()), null);
        long target = 2L * gpu.computeUnits();
        List<String> idle = new ArrayList<>();
        System.out.println(gpu.name() + ", " + gpu.computeUnits() + " compute units:");
        for (var c : BenchSuite.ALL) {
            long groups;
            String how;
            boolean smallest;
            if (c.pooling()) {
                continue;
            } else if (c.sgemm()) {
                var choice = Sgemm.choose(defaults.sgemm(), gpu, defaults.policy(),
                        new Sgemm.Size(c.cout(), c.cout(), c.cout(), 1, 1), new long[] {0, c.cout(), 0, 0},
                        new long[] {0, c.cout(), 0, 0});
                groups = choice.workGroups();
                how = choice.toString();
                smallest = isSmallest(choice.config());
            } else {
                var plan = planner.forward(c.shape());
                groups = plan.workGroups();
                how = plan.describe();
                smallest = plan.sgemm() != null ? isSmallest(plan.sgemm()) : plan.direct().rowsPerItem() == 1;
            }
            System.out.printf("  %-32s %6d work-groups  %s%n", c.name(), groups, how);
            if (groups < target && !smallest) {
                idle.add(c.name() + " (" + groups + ")");
            }
        }
        assertTrue(idle.isEmpty(), () -> gpu.name() + ": fewer than " + target + " work-groups with a larger tile"
                + " than the smallest: " + idle);
    }

    private static boolean isSmallest(SgemmConfig config) {
        return config instanceof SgemmConfig.Tiled t && t.mwg() == SMALLEST.mwg() && t.nwg() == SMALLEST.nwg();
    }
}
