package org.convcl.bench;

import java.util.concurrent.TimeUnit;
import org.convcl.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The suite's convolutions on one device: data already on the device, and including host transfers. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Conv2dBenchmark {
    @Param({"seed_s2x1", "resnet_3x3_c64_56", "resnet_3x3_c128_28", "pointwise_1x1_c256_k1024_14",
        "stem_7x7_s2_c3_224", "mnist_5x5_c1_k32_28", "depthwise_3x3_c256_28"})
    public String caseName;

    /** A device spec as for {@code --device}; empty means the default device. */
    @Param({""})
    public String device;

    private PreparedCase prepared;

    @Setup(Level.Trial)
    public void setUp() {
        prepared = new PreparedCase(caseName, device);
    }

    @Benchmark
    public void onDevice() {
        prepared.onDevice();
    }

    @Benchmark
    public Tensor withTransfers() {
        return prepared.withTransfers();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        prepared.close();
    }
}
