package org.convcl.opencl.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** POCL's CPU device is planned at the width of the CPU it compiles for, never wider than it reports. */
class PoclCpuTargetTest {
    @ParameterizedTest(name = "{0} {1}, reported {2}: {3}")
    @CsvSource({
            // POCL_KERNELLIB_NAME=avx2 on an AVX-512 host (POCL 3.1 reports the host's 16).
            "cpu, pthread-haswell-AMD EPYC, 16, 8",
            "cpu, pthread-znver3-AMD EPYC 7B13, 8, 8",
            "cpu, cpu-znver2-AMD EPYC, 16, 8",
            "cpu, cpu-minimal-haswell-Intel Xeon, 16, 8",
            "cpu, basic-nehalem-Intel Xeon, 8, 4",
            // A hyphenated CPU name: x86-64-v3 (256 bits), not x86-64 (128).
            "cpu, pthread-x86-64-v3-QEMU Virtual CPU, 16, 8",
            // AVX-512 targets and names it does not know keep what the device reports.
            "cpu, pthread-skylake-avx512-AMD EPYC, 16, 16",
            "cpu, pthread-znver4-AMD Ryzen 9 7950X, 16, 16",
            "cpu, pthread-znver5-AMD EPYC, 16, 16",
            "cpu, pthread-neoverse-v2-ARM, 4, 4",
            // Never wider than reported, and other devices and vendors as they are.
            "cpu, pthread-haswell-Intel Xeon, 4, 4",
            "cpu, Intel(R) Xeon(R) Gold 6338 CPU, 16, 16",
            "gpu, pthread-haswell-not a CPU, 16, 16",
    })
    void cpuTargetWidth(String type, String name, int reported, int expected) {
        assertEquals(expected, PoclCpuTarget.floatWidth(type, name, reported));
    }
}
