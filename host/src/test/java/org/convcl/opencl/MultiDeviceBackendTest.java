package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.convcl.Activation;
import org.convcl.Backend;
import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.opencl.device.ConvclException;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend over two contexts on the default device (and, in a JVM of its own, over two POCL devices): every
 * operation against the reference, for batches smaller than, equal to and larger than the device count.
 */
class MultiDeviceBackendTest {
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();
    private static MultiDeviceBackend two;

    @BeforeAll
    static void open() {
        var d = Devices.choose(null);
        two = MultiDeviceBackend.of(List.of(OpenClBackend.open(d), OpenClBackend.open(d)));
    }

    @AfterAll
    static void close() {
        two.close();
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 2, 5, 7})
    void everyOperationMatchesTheReference(int n) {
        // Three rounds: the first shares evenly, the next by the speeds measured, whatever they were.
        for (int round = 0; round < 3; round++) {
            var x = Tensor.seeded(n * 10L + round).uniform(n, 3, 9, 8);
            var w = Tensor.seeded(2).uniform(4, 3, 3, 3);
            var bias = Tensor.seeded(3).uniform(4);
            var p = Conv2dParams.DEFAULT.withPadding(1, 1);
            var residual = Tensor.seeded(4).uniform(n, 4, 9, 8);
            var relu = Activation.relu();
            assertMatches(REFERENCE.conv2d(x, w, bias, p, residual, relu), two.conv2d(x, w, bias, p, residual, relu),
                    Magnitudes.conv2d(x, w, bias, p, residual));

            var dy = Tensor.seeded(5).uniform(n, 4, 9, 8);
            assertGradients(REFERENCE.conv2dBackward(dy, x, w, p), two.conv2dBackward(dy, x, w, p),
                    Magnitudes.conv2dBackward(dy, x, w, p));

            var t = ConvTranspose2dParams.DEFAULT.withStride(2, 2);
            var wt = Tensor.seeded(6).uniform(3, 2, 3, 3);
            var up = REFERENCE.convTranspose2d(x, wt, null, t);
            assertMatches(up, two.convTranspose2d(x, wt, null, t), Magnitudes.convTranspose2d(x, wt, null, t));
            var dyt = Tensor.seeded(7).uniform(up.shape());
            assertGradients(REFERENCE.convTranspose2dBackward(dyt, x, wt, t), two.convTranspose2dBackward(dyt, x, wt, t),
                    Magnitudes.convTranspose2dBackward(dyt, x, wt, t));

            var pool = Pool2dParams.of(2, 2);
            var max = REFERENCE.maxPool2d(x, pool);
            var gotMax = two.maxPool2d(x, pool);
            assertMatches(max.output(), gotMax.output(), Magnitudes.none(max.output()));
            assertArrayEquals(max.indices(), gotMax.indices());
            var dp = Tensor.seeded(8).uniform(max.output().shape());
            var s = pool.shapeOf(x);
            assertMatches(REFERENCE.maxPool2dBackward(dp, max.indices(), x.shape(), pool),
                    two.maxPool2dBackward(dp, max.indices(), x.shape(), pool),
                    Magnitudes.maxPool2dBackward(dp, max.indices(), s));
            assertMatches(REFERENCE.avgPool2d(x, pool), two.avgPool2d(x, pool), Magnitudes.avgPool2d(x, pool));
            assertMatches(REFERENCE.avgPool2dBackward(dp, x.shape(), pool), two.avgPool2dBackward(dp, x.shape(), pool),
                    Magnitudes.avgPool2dBackward(dp, s));
            assertMatches(REFERENCE.activation(x, relu), two.activation(x, relu), Magnitudes.none(x));
        }
    }

    @Test
    void aFailingDeviceIsNamedAndNoPartialResultIsReturned() {
        try (var pair = MultiDeviceBackend.of(List.of(new ReferenceBackend(), failing("lost device")))) {
            var x = Tensor.seeded(1).uniform(4, 2, 5, 5);
            var w = Tensor.seeded(2).uniform(3, 2, 3, 3);
            var e = assertThrows(ConvclException.class, () -> pair.conv2d(x, w, null, Conv2dParams.DEFAULT));
            assertEquals("device 1 (lost device): the device was lost", e.getMessage());
        }
    }

    @Test
    void tensorsThatDisagreeOnTheBatchAreRefusedAsByOneDevice() {
        var x = Tensor.seeded(1).uniform(4, 2, 5, 5);
        var w = Tensor.seeded(2).uniform(3, 2, 3, 3);
        var residual = Tensor.seeded(3).uniform(2, 3, 3, 3);
        var alone = assertThrows(IllegalArgumentException.class,
                () -> REFERENCE.conv2d(x, w, null, Conv2dParams.DEFAULT, residual, Activation.identity()));
        var shared = assertThrows(IllegalArgumentException.class,
                () -> two.conv2d(x, w, null, Conv2dParams.DEFAULT, residual, Activation.identity()));
        assertEquals(alone.getMessage(), shared.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> two.conv2d(null, w, null, Conv2dParams.DEFAULT));
        assertTrue(missing.getMessage().startsWith("input: "), missing.getMessage());
    }

    @Test
    void sharesFollowTheMeasuredSpeedsAndAddUpToTheBatch() {
        var split = new BatchSplit(3);
        assertArrayEquals(new int[] {4, 3, 3}, split.shares("p", 10));
        split.record("p", 0, 10, 1_000_000_000L);
        split.record("p", 1, 30, 1_000_000_000L);
        split.record("p", 2, 0, 5);
        // The third device, not measured yet, counts as the mean of the others.
        assertArrayEquals(new int[] {2, 6, 4}, split.shares("p", 12));
        assertArrayEquals(new int[] {0, 1, 0}, split.shares("p", 1));
        assertArrayEquals(new int[] {4, 3, 3}, split.shares("another problem", 10));
    }

    /**
     * A device four times slower per image than the other gets a fifth of the batch once both are measured: 2.4 of
     * 12 images, rounded down, so that a measured ratio anywhere from 3.3 to 4.9 gives the same shares. The slowness
     * is a sleep per image, far above the tiny convolution's own time, so load on the machine does not blur it: with
     * 5 and 20 ms, a stall of the slow device's thread once measured it more than 4.9 times slower.
     */
    @Test
    void aSlowerDeviceGetsAShareInProportionToItsSpeed() {
        var fastBatches = new ArrayList<Integer>();
        var slowBatches = new ArrayList<Integer>();
        var x = Tensor.seeded(1).uniform(12, 2, 4, 4);
        var w = Tensor.seeded(2).uniform(3, 2, 3, 3);
        var p = Conv2dParams.DEFAULT;
        try (var backend = MultiDeviceBackend.of(List.of(sleeping("fast", 20, fastBatches),
                sleeping("slow", 80, slowBatches)))) {
            for (int call = 0; call < 3; call++) {
                assertMatches(REFERENCE.conv2d(x, w, null, p), backend.conv2d(x, w, null, p),
                        Magnitudes.conv2d(x, w, null, p, null));
            }
        }
        assertEquals(List.of(6, 10, 10), fastBatches);
        assertEquals(List.of(6, 2, 2), slowBatches);
    }

    @Test
    void severalPoclDevicesShareABatch() throws Exception {
        var r = ForkedJvm.run(Map.of("POCL_DEVICES", "pthread pthread", "CONVCL_DEVICE", ""), TwoDevices.class);
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("2 devices: ok"), r.out() + r.err());
    }

    /**
     * Run in a JVM whose POCL shows two devices: conv2d, its backward pass and max pooling with its gradient over
     * both, against the reference; prints each mismatch, or "ok".
     */
    static final class TwoDevices {
        public static void main(String[] args) {
            var devices = Devices.chooseAll("pthread*");
            try (var backend = MultiDeviceBackend.open(devices)) {
                var p = Conv2dParams.DEFAULT.withPadding(1, 1);
                var x = Tensor.seeded(1).uniform(9, 3, 12, 12);
                var w = Tensor.seeded(2).uniform(5, 3, 3, 3);
                var dy = Tensor.seeded(3).uniform(9, 5, 12, 12);
                var expected = REFERENCE.conv2dBackward(dy, x, w, p);
                var got = backend.conv2dBackward(dy, x, w, p);
                var magnitude = Magnitudes.conv2dBackward(dy, x, w, p);
                var pool = Pool2dParams.of(2, 2).withStride(2, 2);
                var expectedPool = REFERENCE.maxPool2d(x, pool);
                var gotPool = backend.maxPool2d(x, pool);
                var dyPool = Tensor.seeded(4).uniform(expectedPool.output().shape());
                var mismatches = Stream.of(
                        Tolerance.FLOAT32.firstMismatch(backend.conv2d(x, w, null, p),
                                REFERENCE.conv2d(x, w, null, p), Magnitudes.conv2d(x, w, null, p, null)),
                        Tolerance.FLOAT32.firstMismatch(got.input(), expected.input(), magnitude.input()),
                        Tolerance.FLOAT32.firstMismatch(got.weight(), expected.weight(), magnitude.weight()),
                        Tolerance.FLOAT32.firstMismatch(got.bias(), expected.bias(), magnitude.bias()),
                        Tolerance.EXACT.firstMismatch(gotPool.output(), expectedPool.output()),
                        Arrays.equals(gotPool.indices(), expectedPool.indices()) ? null : "indices differ",
                        Tolerance.EXACT.firstMismatch(backend.maxPool2dBackward(dyPool, gotPool.indices(), x.shape(),
                                pool), REFERENCE.maxPool2dBackward(dyPool, expectedPool.indices(), x.shape(), pool)))
                        .filter(Objects::nonNull).toList();
                System.out.println(devices.size() + " devices: " + (mismatches.isEmpty() ? "ok" : mismatches));
            }
        }
    }

    private static void assertMatches(Tensor expected, Tensor got, Tensor magnitude) {
        assertNull(Tolerance.FLOAT32.firstMismatch(got, expected, magnitude));
    }

    private static void assertGradients(Conv2dGradients expected, Conv2dGradients got, Conv2dGradients magnitude) {
        assertMatches(expected.input(), got.input(), magnitude.input());
        assertMatches(expected.weight(), got.weight(), magnitude.weight());
        assertMatches(expected.bias(), got.bias(), magnitude.bias());
    }

    /** The reference, sleeping {@code millisPerImage} in each conv2d, which records each batch it is given. */
    private static Backend sleeping(String name, long millisPerImage, List<Integer> batches) {
        var reference = new ReferenceBackend();
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("conv2d")) {
                        int n = ((Tensor) args[0]).shape()[0];
                        batches.add(n);
                        Thread.sleep(millisPerImage * n);
                    }
                    try {
                        return method.invoke(reference, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The reference, except that its convolutions fail as a lost device would. */
    private static Backend failing(String name) {
        var reference = new ReferenceBackend();
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("name")) {
                        return name;
                    }
                    if (method.getName().equals("conv2d")) {
                        throw new IllegalStateException("the device was lost");
                    }
                    try {
                        return method.invoke(reference, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
