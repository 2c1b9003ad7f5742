package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.io.Npy;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.PoolReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --padding} in all its forms (P, PH,PW, T,B,L,R, same, valid) and its bad values, on the command line. */
class CliPaddingTest extends CliFixture {
    private static final Tensor INPUT = Tensor.seeded(7).uniform(2, 3, 9, 8);
    private static final Tensor WEIGHT = Tensor.seeded(8).uniform(4, 3, 4, 3);

    @BeforeEach
    void writeInputs() throws IOException {
        written("x.npy", INPUT);
        written("w.npy", WEIGHT);
    }

    /** Devices to run on: the reference always, the default OpenCL device where there is one. */
    static Stream<String> devices() {
        return CliTest.openClAvailable() ? Stream.of("reference", "0") : Stream.of("reference");
    }

    static Stream<Arguments> conv2dPaddings() {
        var p = Conv2dParams.DEFAULT;
        return devices().flatMap(device -> Stream.of(
                Arguments.of(device, "1,0,2,1", p.withPadding(1, 0, 2, 1)),
                Arguments.of(device, "0,2,0,1", p.withPadding(0, 2, 0, 1)),
                Arguments.of(device, "2,1", p.withPadding(2, 1)),
                Arguments.of(device, "same", p.withSamePadding()),
                Arguments.of(device, "valid", p)));
    }

    @ParameterizedTest(name = "--padding {1} on {0}")
    @MethodSource("conv2dPaddings")
    void conv2dPaddingFormsMatchTheReference(String device, String padding, Conv2dParams params) throws IOException {
        var r = CliTest.run("conv2d", "--input", path("x.npy"), "--weight", path("w.npy"), "--padding", padding,
                "--device", device, "--output", path("y.npy"));
        assertEquals(0, r.status(), r.err());
        var expected = Conv2dReference.conv2d(INPUT, WEIGHT, null, params);
        var mismatch = Tolerance.FLOAT32.firstMismatch(Npy.read(dir.resolve("y.npy")), expected,
                Magnitudes.conv2d(INPUT, WEIGHT, null, params, null));
        assertNull(mismatch, () -> String.valueOf(mismatch));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("devices")
    void poolingTakesPaddingPerSide(String device) throws IOException {
        var p = Pool2dParams.of(3, 3).withStride(2, 2).withPadding(0, 1, 1, 0).withCeilMode(true);
        var max = CliTest.run("maxpool2d", "--input", path("x.npy"), "--kernel", "3", "--stride", "2", "--padding",
                "0,1,1,0", "--ceil-mode", "--device", device, "--output", path("max.npy"));
        assertEquals(0, max.status(), max.err());
        assertNull(Tolerance.EXACT.firstMismatch(Npy.read(dir.resolve("max.npy")),
                PoolReference.maxPool2d(INPUT, p).output()));
        var avg = CliTest.run("avgpool2d", "--input", path("x.npy"), "--kernel", "3", "--stride", "2", "--padding",
                "0,1,1,0", "--ceil-mode", "--count-include-pad", "false", "--device", device, "--output",
                path("avg.npy"));
        assertEquals(0, avg.status(), avg.err());
        assertNull(Tolerance.FLOAT32.firstMismatch(Npy.read(dir.resolve("avg.npy")),
                PoolReference.avgPool2d(INPUT, p.withCountIncludePad(false)),
                Magnitudes.avgPool2d(INPUT, p.withCountIncludePad(false))));
    }

    /**
     * Issue 11: {@code --padding 1073741824 --stride 1073741824} was refused on the device; PyTorch gives 3x3, here
     * from files made by {@code cpu-reference/src/test/python/padding_cases.py}.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("devices")
    void hugePaddingAndStrideGiveWhatPyTorchGives(String device) throws IOException {
        for (String name : List.of("input", "weight", "bias", "expected")) {
            try (InputStream in = getClass().getResourceAsStream("huge_padding/" + name + ".npy")) {
                Files.copy(in, dir.resolve(name + ".npy"));
            }
        }
        var r = CliTest.run("conv2d", "--input", path("input.npy"), "--weight", path("weight.npy"), "--bias",
                path("bias.npy"), "--padding", "1073741824", "--stride", "1073741824", "--device", device,
                "--output", path("y.npy"));
        assertEquals(0, r.status(), r.err());
        var mismatch = Tolerance.FLOAT32.firstMismatch(Npy.read(dir.resolve("y.npy")),
                Npy.read(dir.resolve("expected.npy")));
        assertNull(mismatch, () -> String.valueOf(mismatch));
    }

    static Stream<Arguments> badPaddings() {
        return Stream.of(
                Arguments.of("conv2d", List.of("--padding", "-1"), "--padding: -1, must be >= 0"),
                Arguments.of("conv2d", List.of("--padding", "1,0,-2,1"), "--padding: -2, must be >= 0"),
                Arguments.of("conv2d", List.of("--padding", "1,2,3"),
                        "--padding: '1,2,3' has 3 numbers, must be P, PH,PW or T,B,L,R (top, bottom, left, right)"),
                Arguments.of("conv2d", List.of("--padding", "1,1,1,1,1"), "--padding: '1,1,1,1,1' has 5 numbers"),
                Arguments.of("conv2d", List.of("--padding", "same", "--stride", "2"),
                        "--padding: same needs --stride 1, as PyTorch, which refuses it for strided convolutions;"
                                + " got --stride 2,2"),
                Arguments.of("conv2d", List.of("--padding", "full"), "--padding: 'full' is not an integer"),
                Arguments.of("maxpool2d", List.of("--kernel", "3", "--padding", "same"),
                        "--padding: 'same' is not an integer"),
                Arguments.of("avgpool2d", List.of("--kernel", "3", "--padding", "0,2,0,0"),
                        "padding: bottom 2 is more than half the kernel height 3"),
                Arguments.of("maxpool2d", List.of("--kernel", "3", "--padding", "1,2"),
                        "padding: left 2 is more than half the kernel width 3"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badPaddings")
    void badPaddingsGiveStatus2AndOneLine(String command, List<String> flags, String message) {
        var args = new ArrayList<>(List.of(command, "--input", path("x.npy"), "--output", path("y.npy")));
        if (command.equals("conv2d")) {
            args.addAll(List.of("--weight", path("w.npy")));
        }
        args.addAll(flags);
        var r = CliTest.run(args.toArray(String[]::new));
        assertRefused(r, message);
        assertTrue(Files.notExists(dir.resolve("y.npy")));
    }
}
