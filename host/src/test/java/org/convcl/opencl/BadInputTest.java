package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.convcl.Backend;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule a caller can break, on both backends: each row is a call and the start of the message it must fail
 * with, an {@link IllegalArgumentException} that names the argument, before any work is enqueued.
 */
class BadInputTest extends SharedDevice {
    private static final Conv2dParams P = Conv2dParams.DEFAULT;
    private static final Pool2dParams POOL = Pool2dParams.of(2, 2);
    private static final Tensor X = Tensor.seeded(1).uniform(2, 4, 6, 5);
    private static final Tensor W = Tensor.seeded(2).uniform(6, 4, 3, 3);

    private record Row(String rule, String messageStart, Consumer<Backend> call) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static List<Row> rows() {
        return List.of(
                new Row("null input", "input: must not be null", b -> b.conv2d(null, W, null, P)),
                new Row("null weight", "weight: must not be null", b -> b.conv2d(X, null, null, P)),
                new Row("input of rank 3", "input: rank 3", b -> b.conv2d(Tensor.zeros(4, 6, 5), W, null, P)),
                new Row("weight of rank 2", "weight: rank 2", b -> b.conv2d(X, Tensor.zeros(6, 36), null, P)),
                new Row("zero-sized weight", "weight: dimension 2 is 0", b -> b.conv2d(X, Tensor.zeros(6, 4, 0, 3), null, P)),
                new Row("zero channels", "input: channels, height and width must be >= 1",
                        b -> b.conv2d(Tensor.zeros(2, 0, 6, 5), W, null, P)),
                new Row("channels not matching the weight", "weight: dimension 1 is 3",
                        b -> b.conv2d(X, Tensor.zeros(6, 3, 3, 3), null, P)),
                new Row("groups not dividing Cin", "groups: 3 does not divide the input channels 4",
                        b -> b.conv2d(X, W, null, P.withGroups(3))),
                new Row("groups not dividing Cout", "groups: 4 does not divide the output channels 6",
                        b -> b.conv2d(X, Tensor.zeros(6, 1, 3, 3), null, P.withGroups(4))),
                new Row("stride 0", "strideW: 0, must be >= 1", b -> b.conv2d(X, W, null, P.withStride(1, 0))),
                new Row("dilation 0", "dilationH: 0, must be >= 1", b -> b.conv2d(X, W, null, P.withDilation(0, 1))),
                new Row("negative padding", "padTop: -1, must be >= 0", b -> b.conv2d(X, W, null, P.withPadding(-1, 0))),
                new Row("negative right padding", "padRight: -2, must be >= 0",
                        b -> b.conv2d(X, W, null, P.withPadding(0, 0, 1, -2))),
                new Row("same padding with stride 2", "padding: same needs stride 1",
                        b -> b.conv2d(X, W, null, P.withStride(2, 2).withSamePadding())),
                new Row("kernel larger than the input padded on one side", "weight: kernel height 3 with dilation 4"
                        + " spans 9, more than the padded input height 7", b -> b.conv2d(X, W, null,
                        P.withDilation(4, 1).withPadding(1, 0, 0, 0))),
                new Row("kernel larger than the padded input", "weight: kernel width 3 with dilation 3 spans 7",
                        b -> b.conv2d(X, W, null, P.withDilation(1, 3))),
                new Row("bias of the wrong length", "bias: shape [5], must be [6]",
                        b -> b.conv2d(X, W, Tensor.zeros(5), P)),
                new Row("bias of rank 2", "bias: shape [6, 1], must be [6]",
                        b -> b.conv2d(X, W, Tensor.zeros(6, 1), P)),
                new Row("pooling padding above half the kernel", "padding: top 2 is more than half the kernel height 3",
                        b -> b.maxPool2d(X, Pool2dParams.of(3, 3).withPadding(2, 0))),
                new Row("pooling kernel above the input", "kernel: (7, 2)",
                        b -> b.avgPool2d(X, Pool2dParams.of(7, 2))),
                new Row("an output size past 2^31 - 1 (PyTorch: output size too small, its int wraps)",
                        "padding: output height", b -> b.conv2d(X, W, null, P.withPadding(Integer.MAX_VALUE, 0))),
                new Row("a pooling window whose dilated size passes 2^31 (PyTorch: output size too small)",
                        "kernel: (3, 3) with dilation (2147483647, 1)",
                        b -> b.maxPool2d(X, Pool2dParams.of(3, 3).withDilation(Integer.MAX_VALUE, 1))),
                new Row("null pooling input", "input: must not be null", b -> b.maxPool2d(null, POOL)),
                new Row("pooling gradient of the wrong shape", "gradOutput: shape [2, 4, 3, 3], must be [2, 4, 3, 2]",
                        b -> b.avgPool2dBackward(Tensor.zeros(2, 4, 3, 3), X.shape(), POOL)),
                new Row("indices of the wrong length", "indices: ",
                        b -> b.maxPool2dBackward(Tensor.zeros(2, 4, 3, 2), new long[3], X.shape(), POOL)),
                new Row("an index outside the plane", "indices: value 30 at 0 is outside the 6x5 input plane",
                        b -> b.maxPool2dBackward(Tensor.zeros(2, 4, 3, 2), indexArray(30), X.shape(), POOL)),
                new Row("an output too large for one array or allocation", "output: ",
                        b -> b.conv2d(Tensor.zeros(1, 1, 1, 1), Tensor.zeros(1, 1, 1, 1), null,
                                P.withPadding(32767, 32767).withDilation(1, 1))),
                new Row("an output count past a long", "shape: [4, 4, 2000000001, 2000000001] has more elements",
                        b -> b.conv2d(Tensor.zeros(4, 1, 1, 1), Tensor.zeros(4, 1, 1, 1), null,
                                Conv2dParams.DEFAULT.withPadding(1_000_000_000, 1_000_000_000))),
                new Row("null conv2d params", "params: must not be null", b -> b.conv2d(X, W, null, null)),
                new Row("null conv2d backward params", "params: must not be null",
                        b -> b.conv2dBackward(Tensor.zeros(2, 6, 4, 3), X, W, null)),
                new Row("null max pooling params", "params: must not be null", b -> b.maxPool2d(X, null)),
                new Row("null average pooling params", "params: must not be null", b -> b.avgPool2d(X, null)),
                new Row("null max pooling backward params", "params: must not be null",
                        b -> b.maxPool2dBackward(Tensor.zeros(2, 4, 3, 2), new long[24], X.shape(), null)),
                new Row("null average pooling backward params", "params: must not be null",
                        b -> b.avgPool2dBackward(Tensor.zeros(2, 4, 3, 2), X.shape(), null)));
    }

    private static long[] indexArray(long first) {
        long[] indices = new long[2 * 4 * 3 * 2];
        indices[0] = first;
        return indices;
    }

    static Stream<Arguments> rowsOnBothBackends() {
        return rows().stream().flatMap(r -> Stream.of(Arguments.of(r, "reference"), Arguments.of(r, "device")));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("rowsOnBothBackends")
    void isRefusedWithAMessageNamingTheArgument(Row row, String backendName) {
        Backend backend = backendName.equals("reference") ? new ReferenceBackend() : device;
        long buffers = DeviceBuffer.liveCount();
        var e = assertThrows(IllegalArgumentException.class, () -> row.call().accept(backend));
        assertTrue(e.getMessage().startsWith(row.messageStart()), () -> row + ": " + e.getMessage());
        assertTrue(DeviceBuffer.liveCount() == buffers, row + ": a device buffer was left behind");
    }

    /** NaN and infinity are data, not errors: they propagate as PyTorch propagates them. */
    @Test
    void nanAndInfinityPropagate() {
        var x = Tensor.seeded(3).uniform(1, 2, 5, 5);
        x.data()[7] = Float.NaN;
        x.data()[30] = Float.POSITIVE_INFINITY;
        x.data()[44] = Float.NEGATIVE_INFINITY;
        var w = Tensor.seeded(4).uniform(3, 2, 3, 3);
        w.data()[0] = 0;
        var p = P.withPadding(1, 1);
        var expected = new ReferenceBackend().conv2d(x, w, null, p);
        var got = device.conv2d(x, w, null, p);
        var magnitude = Magnitudes.conv2d(x, w, null, p, null);
        assertNull(Tolerance.FLOAT32.firstMismatch(got, expected, magnitude),
                () -> "" + Tolerance.FLOAT32.firstMismatch(got, expected, magnitude));
        boolean sawNan = false;
        for (float v : got.data()) {
            sawNan |= Float.isNaN(v);
        }
        assertTrue(sawNan);
    }

    @Test
    void aPaddingAndStridePastTheKernelsIntsGiveThePyTorchOutput() {
        // conv2d(full((1,1,1,1), 2), ones((1,1,1,1)), [0.5], padding=2^30, stride=2^30): 3x3, the input at the
        // centre. The kernels compute oh*SH = 2^31 and the padded extent 2^31 + 1 in 64 bits (once refused).
        var x = new Tensor(new float[] {2}, 1, 1, 1, 1);
        var p = P.withPadding(1 << 30, 1 << 30).withStride(1 << 30, 1 << 30);
        var y = device.conv2d(x, new Tensor(new float[] {1}, 1, 1, 1, 1), new Tensor(new float[] {0.5f}, 1), p);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 2.5f, 0.5f, 0.5f, 0.5f, 0.5f}, y.data());
    }

    @Test
    void anEmptyBatchGivesAnEmptyResultEverywhere() {
        var empty = Tensor.zeros(0, 4, 6, 5);
        assertArrayEquals(new int[] {0, 6, 4, 3}, device.conv2d(empty, W, null, P).shape());
        assertArrayEquals(new int[] {0, 4, 3, 2}, device.maxPool2d(empty, POOL).output().shape());
        assertArrayEquals(new int[] {0, 4, 3, 2}, device.avgPool2d(empty, POOL).shape());
        assertArrayEquals(new int[] {0, 4, 6, 5},
                device.maxPool2dBackward(Tensor.zeros(0, 4, 3, 2), new long[0], empty.shape(), POOL).shape());
    }

    @Test
    void anAllocationBeyondTheDeviceLimitSaysWhatWasAskedAndWhatIsOffered() {
        try (var cl = new ClContext(Devices.choose(null))) {
            long tooMany = cl.device().maxAllocBytes() / 4 + 1;
            var e = assertThrows(IllegalArgumentException.class, () -> new DeviceBuffer(cl, "huge", tooMany));
            assertTrue(e.getMessage().startsWith("huge: needs " + tooMany * 4 + " bytes in one buffer, more than"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE " + cl.device().maxAllocBytes()),
                    e.getMessage());
        }
    }

    @Test
    void aClosedBackendOrTensorIsAnIllegalStateNotACrash() {
        var backend = OpenClBackend.open(Devices.choose(null));
        var x = backend.upload(X);
        backend.close();
        backend.close();
        assertThrows(IllegalStateException.class, () -> backend.conv2d(X, W, null, P));
        assertThrows(IllegalStateException.class, () -> backend.maxPool2d(X, POOL));
        assertThrows(IllegalStateException.class, () -> backend.upload(X));
        x.close();
        x.close();
    }
}
