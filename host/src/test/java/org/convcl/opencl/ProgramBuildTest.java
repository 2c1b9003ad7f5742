package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.convcl.kernels.Program;
import org.convcl.opencl.runtime.ClContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every program builds from its parts with no options, on the defaults of the parts that own each tunable. */
class ProgramBuildTest {

    @ParameterizedTest
    @CsvSource({"IM2COL, im2col", "DIRECT_CONV2D, direct", "COL2IM, col2im", "POOL, maxpool2d", "TENSOR, permute3",
            "SGEMM, sgemm", "SGEMM_BLOCKED, sgemm",
            "WINOGRAD, winograd_input"})
    void buildsWithItsDefaults(Program program, String kernel) {
        try (var cl = new ClContext(Devices.choose(null))) {
            assertNotNull(cl.kernel(program, kernel, ""));
        }
    }
}
