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

/**
 * A JMH benchmark of one suite case on one device, its data on the device; JMH runs it under each concrete
 * subclass's name, with that subclass's parameters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class DeviceBenchmark {
    /** A device spec as for {@code --device}; empty means the default device. */
    @Param({""})
    public String device;

    PreparedCase prepared;

    /** The suite case to run, from the subclass's parameters. */
    abstract String benchCase();

    @Setup(Level.Trial)
    public void setUp() {
        prepared = new PreparedCase(benchCase(), device);
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
