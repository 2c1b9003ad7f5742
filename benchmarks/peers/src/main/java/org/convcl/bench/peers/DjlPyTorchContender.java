package org.convcl.bench.peers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import org.convcl.bench.BenchCase;
import org.convcl.bench.NamedContender;
import org.convcl.bench.NamedPeerLibrary;
import org.convcl.Tensor;

/**
 * DJL with its PyTorch engine on the CPU: {@code conv2d} (groups included), {@code max_pool2d}, {@code avg_pool2d},
 * and {@code matmul} for the SGEMM cases. PyTorch runs eagerly on the CPU, so an operation has finished when it
 * returns.
 */
final class DjlPyTorchContender extends NamedContender {
    private final NDManager manager;

    private DjlPyTorchContender(int threads) {
        super("djl-pytorch", start(threads));
        this.manager = Engine.getEngine("PyTorch").newBaseManager(Device.cpu());
    }

    /** Starts libtorch with {@code threads} threads; the device column. */
    private static String start(int threads) {
        // libtorch comes from pytorch-native-cpu on the classpath; offline, DJL never downloads it at run time.
        System.setProperty("ai.djl.offline", "true");
        var engine = Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        return "CPU, PyTorch " + engine.getVersion() + " (DJL " + Versions.of("djl") + "), " + JniUtils.getNumThreads()
                + " threads";
    }

    /** The service ServiceLoader finds; it loads libtorch only when opened. */
    public static final class Library extends NamedPeerLibrary {
        public Library() {
            super("DJL-PyTorch", DjlPyTorchContender::new);
        }
    }

    @Override
    public String unsupported(BenchCase c) {
        var p = c.pool();
        if (c.pooling() && (p.dilationH() > 1 || p.dilationW() > 1 || p.divisorOverride() != 0)) {
            return "DJL's pooling has no dilation or divisor override";
        }
        return null;
    }

    @Override
    public Run prepare(BenchCase c, Tensor input, Tensor weight) {
        var inputs = manager.newSubManager();
        NDArray x, w = null;
        if (c.sgemm()) {
            // C (M x N) = A (M x K) * B (K x N): the weight is A, the input is B.
            x = inputs.create(input.data(), new Shape(c.cin(), c.w()));
            w = inputs.create(weight.data(), new Shape(c.cout(), c.cin()));
        } else {
            x = inputs.create(input.data(), new Shape(c.n(), c.cin(), c.h(), c.w()));
            if (weight != null) {
                w = inputs.create(weight.data(), new Shape(c.cout(), c.cin() / c.params().groups(), c.kh(), c.kw()));
            }
        }
        var a = x;
        var b = w;
        return new Run() {
            @Override
            public Tensor result() {
                try (var y = compute(c, a, b)) {
                    return new Tensor(y.toFloatArray(), c.outputShape());
                }
            }

            @Override
            public void execute() {
                compute(c, a, b).close();
            }

            @Override
            public void close() {
                inputs.close();
            }
        };
    }

    private static NDArray compute(BenchCase c, NDArray x, NDArray w) {
        return switch (c.kind()) {
            case SGEMM -> w.matMul(x);
            case CONV -> {
                var p = c.params();
                NDList out = Conv2d.conv2d(x, w, null, new Shape(p.strideH(), p.strideW()),
                        new Shape(p.padTop(), p.padLeft()), new Shape(p.dilationH(), p.dilationW()), p.groups());
                yield out.singletonOrThrow();
            }
            case MAX_POOL -> Pool.maxPool2d(x, kernel(c), stride(c), padding(c), c.pool().ceilMode());
            case AVG_POOL -> Pool.avgPool2d(x, kernel(c), stride(c), padding(c), c.pool().ceilMode(),
                    c.pool().countIncludePad());
        };
    }

    private static Shape kernel(BenchCase c) {
        return new Shape(c.pool().kernelH(), c.pool().kernelW());
    }

    private static Shape stride(BenchCase c) {
        return new Shape(c.pool().strideH(), c.pool().strideW());
    }

    private static Shape padding(BenchCase c) {
        return new Shape(c.pool().padTop(), c.pool().padLeft());
    }

    @Override
    public void close() {
        manager.close();
    }
}
