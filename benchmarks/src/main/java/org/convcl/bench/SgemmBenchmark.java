package org.convcl.bench;

import org.openjdk.jmh.annotations.Param;

/** The SGEMM kernel alone on square matrices, data on the device. */
public class SgemmBenchmark extends DeviceBenchmark {
    @Param({"256", "512", "1024", "2048"})
    public int size;

    @Override
    String benchCase() {
        return "sgemm_" + size;
    }
}
