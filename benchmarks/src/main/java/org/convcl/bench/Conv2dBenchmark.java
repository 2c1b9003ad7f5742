package org.convcl.bench;

import org.convcl.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/** The suite's convolutions on one device: data already on the device, and including host transfers. */
public class Conv2dBenchmark extends DeviceBenchmark {
    @Param({"seed_s2x1", "resnet_3x3_c64_56", "resnet_3x3_c128_28", "pointwise_1x1_c256_k1024_14",
        "stem_7x7_s2_c3_224", "mnist_5x5_c1_k32_28", "depthwise_3x3_c256_28"})
    public String caseName;

    @Override
    String benchCase() {
        return caseName;
    }

    @Benchmark
    public Tensor withTransfers() {
        return prepared.withTransfers();
    }
}
