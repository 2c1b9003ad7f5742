package org.convcl.opencl;

import java.util.List;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Tag;

/**
 * The epilogue sweeps of every GEMM path with the other SGEMM family: on a CPU the GPU tiles, so the GPU's default
 * path (the implicit GEMM on tiles) fuses every activation and the residual here too.
 */
@Tag("slow") // a sweep of every activation on every path: left out of run-tests --quick
class EpilogueOtherFamilyDeviceTest extends EpilogueSweep {
    @Override
    List<SgemmConfig> sgemms(BackendOptions defaults) {
        return Conv2dDeviceTest.sgemmFamilies(defaults).subList(1, 2);
    }
}
