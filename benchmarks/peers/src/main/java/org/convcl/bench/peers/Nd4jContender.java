package org.convcl.bench.peers;

import org.convcl.Tensor;
import org.convcl.bench.BenchCase;
import org.convcl.bench.NamedContender;
import org.convcl.bench.NamedPeerLibrary;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's native CPU backend (OpenBLAS underneath): {@code conv2d} with PyTorch's (K, C, KH, KW) weight layout,
 * {@code depthWiseConv2d} for depthwise layers, the two poolings, and {@code mmul} for the SGEMM cases. ND4J has no
 * other grouped convolution. Its operations run synchronously, so one has finished when it returns.
 */
final class Nd4jContender extends NamedContender {
    private Nd4jContender(int threads) {
        super("nd4j", start(threads));
    }

    /** Starts ND4J with {@code threads} threads; the device column. */
    private static String start(int threads) {
        var environment = Nd4j.getEnvironment();
        environment.setMaxThreads(threads);
        environment.setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        return "CPU, ND4J " + Versions.of("nd4j") + " (" + Nd4j.factory().blas().getBlasVendor() + "), "
                + environment.maxThreads() + " threads";
    }

    /** The service ServiceLoader finds; it loads ND4J's native library only when opened. */
    public static final class Library extends NamedPeerLibrary {
        public Library() {
            super("ND4J", Nd4jContender::new);
        }
    }

    @Override
    public String unsupported(BenchCase c) {
        if (c.pooling()) {
            var p = c.pool();
            return p.ceilMode() || p.divisorOverride() != 0 ? "ND4J's pooling has no ceil mode or divisor override" : null;
        }
        int groups = c.params().groups();
        return groups == 1 || depthwise(c) ? null : "ND4J has no grouped convolution";
    }

    private static boolean depthwise(BenchCase c) {
        return c.params().groups() == c.cin() && c.cout() == c.cin();
    }

    @Override
    public Run prepare(BenchCase c, Tensor input, Tensor weight) {
        INDArray x, w = null;
        if (c.sgemm()) {
            // C (M x N) = A (M x K) * B (K x N): the weight is A, the input is B.
            x = array(input, c.cin(), c.w());
            w = array(weight, c.cout(), c.cin());
        } else {
            x = array(input, c.n(), c.cin(), c.h(), c.w());
            if (depthwise(c)) {
                // (C, 1, KH, KW) to depthWiseConv2d's (KH, KW, C, 1), rearranged here so that no run pays for it.
                w = array(weight, c.cin(), c.kh(), c.kw()).permute(1, 2, 0).dup('c').reshape(c.kh(), c.kw(), c.cin(), 1);
            } else if (weight != null) {
                w = array(weight, c.cout(), c.cin(), c.kh(), c.kw());
            }
        }
        var a = x;
        var b = w;
        return new Run() {
            @Override
            public Tensor result() {
                var y = compute(c, a, b);
                try {
                    return new Tensor(y.dup('c').data().asFloat(), c.outputShape());
                } finally {
                    y.close();
                }
            }

            @Override
            public void execute() {
                compute(c, a, b).close();
            }

            @Override
            public void close() {
                a.close();
                if (b != null) {
                    b.close();
                }
            }
        };
    }

    private static INDArray array(Tensor t, long... shape) {
        return Nd4j.create(t.data(), shape, DataType.FLOAT);
    }

    private static INDArray compute(BenchCase c, INDArray x, INDArray w) {
        return switch (c.kind()) {
            case SGEMM -> w.mmul(x);
            case CONV -> depthwise(c) ? Nd4j.cnn().depthWiseConv2d(x, w, convConfig(c, WeightsFormat.YXIO))
                    : Nd4j.cnn().conv2d(x, w, convConfig(c, WeightsFormat.OIYX));
            case MAX_POOL -> Nd4j.cnn().maxPooling2d(x, poolConfig(c));
            case AVG_POOL -> Nd4j.cnn().avgPooling2d(x, poolConfig(c));
        };
    }

    private static Conv2DConfig convConfig(BenchCase c, WeightsFormat weights) {
        var p = c.params();
        // Explicit padding: VALID only means "not SAME" here.
        return Conv2DConfig.builder().kH(c.kh()).kW(c.kw()).sH(p.strideH()).sW(p.strideW()).pH(p.padTop()).pW(p.padLeft())
                .dH(p.dilationH()).dW(p.dilationW()).paddingMode(PaddingMode.VALID).dataFormat("NCHW")
                .weightsFormat(weights).build();
    }

    private static Pooling2DConfig poolConfig(BenchCase c) {
        var p = c.pool();
        return Pooling2DConfig.builder().kH(p.kernelH()).kW(p.kernelW()).sH(p.strideH()).sW(p.strideW())
                .pH(p.padTop()).pW(p.padLeft()).dH(p.dilationH()).dW(p.dilationW()).paddingMode(PaddingMode.VALID)
                .divisor(p.countIncludePad() ? Pooling2D.Divisor.INCLUDE_PADDING : Pooling2D.Divisor.EXCLUDE_PADDING)
                .isNHWC(false).build();
    }

    @Override
    public void close() {
        // ND4J's workspace and thread pool belong to the JVM; each run's arrays are closed by the run.
    }
}
