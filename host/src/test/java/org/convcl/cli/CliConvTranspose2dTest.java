package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.io.Npy;
import org.convcl.reference.ConvTranspose2dReference;
import org.convcl.reference.Magnitudes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code convtranspose2d}: results against the reference, and bad arguments refused cleanly. */
class CliConvTranspose2dTest extends CliFixture {
    /** Awkward on purpose: odd sizes, stride, padding, output padding and dilation per axis, two groups, a bias. */
    private static final ConvTranspose2dParams PARAMS = ConvTranspose2dParams.DEFAULT.withStride(2, 3)
            .withPadding(1, 2).withOutputPadding(1, 2).withDilation(1, 2).withGroups(2);

    private Tensor input;
    private Tensor weight;
    private Tensor bias;

    @BeforeEach
    void writeInputs() throws IOException {
        input = written("x.npy", Tensor.seeded(1).uniform(2, 4, 5, 7));
        weight = written("w.npy", Tensor.seeded(2).uniform(4, 3, 3, 2));
        bias = written("b.npy", Tensor.seeded(3).uniform(6));
    }

    private List<String> commandLine(String... extra) {
        var args = new ArrayList<>(List.of("convtranspose2d", "--input", path("x.npy"), "--weight", path("w.npy"),
                "--bias", path("b.npy"), "--stride", "2,3", "--padding", "1,2", "--output-padding", "1,2",
                "--dilation", "1,2", "--groups", "2", "--output", path("y.npy")));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void onTheReferenceDevice() throws IOException {
        var r = CliTest.run(commandLine("--device", "reference").toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        var got = Npy.read(dir.resolve("y.npy"));
        // (5-1)*2 - 2 + 1*(3-1) + 1 + 1 = 10, (7-1)*3 - 4 + 2*(2-1) + 2 + 1 = 19
        assertArrayEquals(new int[] {2, 6, 10, 19}, got.shape());
        assertNull(Tolerance.EXACT.firstMismatch(got,
                ConvTranspose2dReference.convTranspose2d(input, weight, bias, PARAMS)));
    }

    @Test
    void onTheDefaultOpenClDevice() throws IOException {
        assumeTrue(CliTest.openClAvailable(), "no OpenCL device on this machine");
        var expected = ConvTranspose2dReference.convTranspose2d(input, weight, bias, PARAMS);
        for (var extra : List.of(new String[0], new String[] {"--verify"})) {
            var r = CliTest.run(commandLine(extra).toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
            var mismatch = Tolerance.FLOAT32.firstMismatch(Npy.read(dir.resolve("y.npy")), expected,
                    Magnitudes.convTranspose2d(input, weight, bias, PARAMS));
            assertNull(mismatch, () -> String.valueOf(mismatch));
        }
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of("output padding not below stride or dilation", List.of("--output-padding", "2,2"),
                        "outputPadding: height 2 must be smaller than the stride (2) or the dilation (1)"),
                Arguments.of("weight of rank 1", List.of("--weight", "b.npy"),
                        "weight: rank 1"),
                Arguments.of("groups do not divide", List.of("--groups", "3"),
                        "groups: 3 does not divide the input channels 4"),
                Arguments.of("padding crops everything", List.of("--padding", "9"), "padding: output height would be"),
                Arguments.of("negative output padding", List.of("--output-padding", "-1"),
                        "--output-padding: -1, must be >= 0"),
                Arguments.of("bias of the wrong shape", List.of("--bias", "x.npy"), "bias: shape [2, 4, 5, 7]"),
                Arguments.of("unknown flag", List.of("--output-pading", "1"), "unknown option --output-pading"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void badArgumentsGiveStatus2OneLineAndNoOutput(String name, List<String> change, String message)
            throws IOException {
        var args = commandLine("--device", "reference");
        replaceFlags(args, change);
        var r = CliTest.run(args.toArray(String[]::new));
        assertRefused(r, message);
        assertEquals("", r.out());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("b.npy", "w.npy", "x.npy"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no output or temporary file");
        }
    }

    @Test
    void helpListsTheCommandAndItsFlags() {
        var help = CliTest.run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("  convtranspose2d  transposed convolution"), help.out());
        var own = CliTest.run("convtranspose2d", "--help");
        assertEquals(0, own.status());
        assertTrue(own.out().contains("--output-padding OH,OW"), own.out());
        assertTrue(own.out().contains("(Cin, Cout/G, KH, KW)"), own.out());
    }
}
