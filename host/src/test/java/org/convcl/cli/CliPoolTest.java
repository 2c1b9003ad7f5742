package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.io.Npy;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.PoolReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code maxpool2d} and {@code avgpool2d}: results against the reference, and bad arguments refused cleanly. */
class CliPoolTest extends CliFixture {
    /**
     * A file no test can write. As root every directory is writable by its mode, so it lies in /proc, which refuses
     * new files to everyone: that failure comes only when the file is created, after the output is ready.
     */
    private static final String UNWRITABLE = "/proc/convcl-i.npy";

    private Tensor input;

    @BeforeEach
    void writeInput() throws IOException {
        input = written("x.npy", Tensor.seeded(4).uniform(2, 3, 9, 8));
    }

    @Test
    void maxPoolingWithIndicesMatchesTheReference() throws IOException {
        var r = CliTest.run("maxpool2d", "--input", path("x.npy"), "--kernel", "3,2", "--stride", "2", "--padding",
                "1,1", "--dilation", "1,2", "--ceil-mode", "--output", path("y.npy"), "--indices", path("i.npy"),
                "--verify");
        assertEquals(0, r.status(), r.err());
        var p = Pool2dParams.of(3, 2).withStride(2, 2).withPadding(1, 1).withDilation(1, 2).withCeilMode(true);
        var expected = PoolReference.maxPool2d(input, p);
        assertNull(Tolerance.EXACT.firstMismatch(Npy.read(dir.resolve("y.npy")), expected.output()));
        assertArrayEquals(expected.indices(), int64Values(dir.resolve("i.npy")));
    }

    @Test
    void averagePoolingMatchesTheReference() throws IOException {
        var r = CliTest.run("avgpool2d", "--input", path("x.npy"), "--kernel", "3", "--stride", "2,1", "--padding",
                "1", "--count-include-pad", "false", "--divisor-override", "-4", "--output", path("y.npy"));
        assertEquals(0, r.status(), r.err());
        var p = Pool2dParams.of(3, 3).withStride(2, 1).withPadding(1, 1).withCountIncludePad(false)
                .withDivisorOverride(-4);
        assertNull(Tolerance.FLOAT32.firstMismatch(Npy.read(dir.resolve("y.npy")), PoolReference.avgPool2d(input, p),
                Magnitudes.avgPool2d(input, p)));
    }

    /** The data of a version 1.0 .npy file of little-endian int64 values: everything after its header. */
    private static long[] int64Values(Path file) throws IOException {
        var buffer = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int dataStart = 10 + buffer.getShort(8);
        long[] values = new long[(buffer.capacity() - dataStart) / Long.BYTES];
        buffer.position(dataStart);
        buffer.asLongBuffer().get(values);
        return values;
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(List.of("maxpool2d", "--input", "x.npy", "--output", "y.npy"), "--kernel: missing"),
                Arguments.of(List.of("maxpool2d", "--input", "x.npy", "--kernel", "3", "--padding", "2", "--output",
                        "y.npy"), "padding: top 2 is more than half the kernel height 3"),
                Arguments.of(List.of("maxpool2d", "--input", "x.npy", "--kernel", "10", "--output", "y.npy"),
                        "kernel: (10, 10)"),
                Arguments.of(List.of("avgpool2d", "--input", "x.npy", "--kernel", "2", "--count-include-pad",
                        "maybe", "--output", "y.npy"), "--count-include-pad: 'maybe', must be true or false"),
                Arguments.of(List.of("avgpool2d", "--input", "x.npy", "--kernel", "2", "--divisor-override", "0",
                        "--output", "y.npy"), "--divisor-override: must not be zero"),
                Arguments.of(List.of("avgpool2d", "--input", "x.npy", "--kernel", "2", "--dilation", "2",
                        "--output", "y.npy"), "--dilation"),
                Arguments.of(List.of("maxpool2d", "--input", "x.npy", "--kernel", "2", "--output", "y.npy",
                        "--indices", "absent/i.npy"), "does not exist"),
                Arguments.of(List.of("maxpool2d", "--input", "x.npy", "--kernel", "2", "--output", "y.npy",
                        "--indices", "y.npy"), "is the same file as"),
                Arguments.of(List.of("maxpool2d", "--input", "x.npy", "--kernel", "2", "--output", "y.npy",
                        "--indices", UNWRITABLE), UNWRITABLE));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badArguments")
    void badArgumentsGiveStatus2OneLineAndNoOutput(List<String> args, String message) throws IOException {
        var resolved = new ArrayList<String>();
        for (String a : args) {
            resolved.add(a.endsWith(".npy") ? path(a) : a);
        }
        var before = listing();
        var r = CliTest.run(resolved.toArray(String[]::new));
        assertRefused(r, message);
        assertEquals(before, listing(), "no output or temporary file is left");
    }
}
