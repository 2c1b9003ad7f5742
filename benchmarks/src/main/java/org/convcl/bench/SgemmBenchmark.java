package org.convcl.bench;

import java.util.concurrent.TimeUnit;
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

/** The SGEMM kernel alone on square matrices, data on the device. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SgemmBenchmark {
    @Param({"256", "512", "1024", "2048"})
    public int size;

    /** A device spec as for {@code --device}; empty means the default device. */
    @Param({""})
    public String device;

    private PreparedCase prepared;

    @Setup(Level.Trial)
    public void setUp() {
        prepared = new PreparedCase("sgemm_" + size, device);
    }

    @Benchmark
    public void onDevice() {
        prepared.onDevice();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        prepared.close();
    }
}
