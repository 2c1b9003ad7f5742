package org.convcl.bench;

/**
 * {@code convcl jmh}: the JMH benchmarks under JMH's own command line. The source tree's launcher hands every
 * {@code jmh} command line but {@code --help} straight to {@code org.openjdk.jmh.Main}, so this command only lists
 * {@code jmh} in {@code convcl --help} and explains it; run here, it says how to run JMH instead.
 */
public final class JmhCommand extends LauncherCommand {
    public JmhCommand() {
        super("jmh", "run the JMH benchmarks (Conv2dBenchmark, SgemmBenchmark) with JMH's own options",
                """
                usage: ./convcl jmh [BENCHMARK] [JMH options]

                Runs JMH (the Java benchmark harness) on the suite's convolutions, from the source tree only; the
                options are JMH's, not convcl's. For example:
                  ./convcl jmh Conv2dBenchmark -p caseName=resnet_3x3_c64_56
                  ./convcl jmh SgemmBenchmark -p size=1024 -p device=gpu
                  ./convcl jmh -l        list the benchmarks
                  ./convcl jmh -h        JMH's options

                  Conv2dBenchmark     one suite case (-p caseName=NAME, names as in 'convcl bench --help'), with the
                                      data on the device and including host transfers
                  SgemmBenchmark      one square matrix product (-p size=N)
                  -p device=D         the device, as --device (default: CONVCL_DEVICE, else GPU, accelerator, CPU)
                """,
                "jmh takes JMH's own options and runs from the source tree's launcher:"
                + " ./convcl jmh Conv2dBenchmark -p caseName=resnet_3x3_c64_56 (see 'convcl jmh --help')");
    }
}
