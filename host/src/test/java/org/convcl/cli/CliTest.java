package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.io.Npy;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.Devices;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs {@link Main#run} in-process, as the {@code convcl} launcher would, on files in a temporary directory. */
class CliTest extends CliFixture {
    /** Awkward on purpose: odd sizes, asymmetric stride, padding and dilation, two groups, a bias. */
    private static final Conv2dParams PARAMS = new Conv2dParams(2, 1, 1, 2, 1, 2, 2);

    private Tensor input;
    private Tensor weight;
    private Tensor bias;

    /** What one run printed and returned. */
    record Run(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static boolean openClAvailable() {
        try {
            return !Devices.list().isEmpty();
        } catch (ConvclException e) {
            return false;
        }
    }

    @BeforeEach
    void writeInputs() throws IOException {
        input = written("x.npy", Tensor.seeded(1).uniform(2, 4, 9, 7));
        weight = written("w.npy", Tensor.seeded(2).uniform(6, 2, 3, 3));
        bias = written("b.npy", Tensor.seeded(3).uniform(6));
        // Files with the plain mistakes whose fix the error names.
        Npy.write(dir.resolve("depthwise.npy"), Tensor.seeded(4).uniform(8, 1, 3, 3));
        Npy.write(dir.resolve("nhwc.npy"), Tensor.seeded(5).uniform(2, 9, 7, 4));
        Npy.write(dir.resolve("chw.npy"), Tensor.seeded(6).uniform(4, 9, 7));
        Npy.write(dir.resolve("b61.npy"), Tensor.seeded(7).uniform(6, 1));
        // The input as float64: the header's dtype swapped (same length) and the data twice as long.
        byte[] float32 = Files.readAllBytes(dir.resolve("x.npy"));
        byte[] float64 = new String(float32, StandardCharsets.ISO_8859_1).replace("'<f4'", "'<f8'")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("x64.npy"), Arrays.copyOf(float64, float32.length + input.size() * Float.BYTES));
    }

    private List<String> conv2dArgs(String... extra) {
        var args = new ArrayList<>(List.of("conv2d", "--input", path("x.npy"), "--weight", path("w.npy"),
                "--bias", path("b.npy"), "--stride", "2,1", "--padding", "1,2", "--dilation", "1,2", "--groups", "2",
                "--output", path("y.npy")));
        args.addAll(List.of(extra));
        return args;
    }

    private Tensor expected() {
        try (var reference = new ReferenceBackend()) {
            return reference.conv2d(input, weight, bias, PARAMS);
        }
    }

    @Test
    void conv2dOnTheReferenceDevice() throws IOException {
        var r = run(conv2dArgs("--device", "reference").toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        var got = Npy.read(dir.resolve("y.npy"));
        assertArrayEquals(new int[] {2, 6, 5, 7}, got.shape());
        assertNull(Tolerance.EXACT.firstMismatch(got, expected()));
    }

    @Test
    void conv2dOnTheDefaultOpenClDevice() throws IOException {
        assumeTrue(openClAvailable(), "no OpenCL device on this machine");
        for (var extra : List.of(new String[0], new String[] {"--verify"})) {
            var r = run(conv2dArgs(extra).toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
            var mismatch = Tolerance.FLOAT32.firstMismatch(Npy.read(dir.resolve("y.npy")), expected(),
                    Magnitudes.conv2d(input, weight, bias, PARAMS, null));
            assertNull(mismatch, () -> String.valueOf(mismatch));
            assertEquals("", r.err());
        }
        var verified = run(conv2dArgs("--verify").toArray(String[]::new));
        var line = verified.out().strip();
        // The device path is the planner's choice, named as the Conv2dPath constant, then where the SGEMM came from.
        assertTrue(line.matches("verified conv2d on " + java.util.regex.Pattern.quote(Devices.choose(null).name())
                + " \\((DIRECT|POINTWISE|IMPLICIT_GEMM|IM2COL_GEMM|WINOGRAD)[^)]*; untuned device default\\): output"
                + " \\[2, 6, 5, 7\\], 420 elements, each within 1E-30 \\+ 0\\.0001 \\* sum\\(\\|terms\\|\\) of the reference element of the"
                + " reference; largest \\|difference\\| \\S+, largest \\|difference\\| / \\|reference\\| \\S+"), line);
    }

    /** Issue 24, stumble 10: the reference against itself was "verified" with a largest difference of 0. */
    @Test
    void verifyOnTheReferenceSaysThereIsNothingToCompare() throws IOException {
        var r = run(conv2dArgs("--device", "reference", "--verify").toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("verify: nothing to compare: this ran on the reference, which --verify compares with"),
                r.out().lines().toList());
        assertNull(Tolerance.EXACT.firstMismatch(Npy.read(dir.resolve("y.npy")), expected()));
        var plain = run(conv2dArgs("--device", "reference").toArray(String[]::new));
        assertEquals("", plain.out(), "without --verify nothing is printed");
    }

    @Test
    void differencesAreTheLargestAbsoluteAndRelativeOnes() {
        var expected = new Tensor(new float[] {1, -4, 0, Float.NaN, Float.POSITIVE_INFINITY}, 5);
        var got = new Tensor(new float[] {1.5f, -4.25f, 0.125f, Float.NaN, Float.POSITIVE_INFINITY}, 5);
        // |diff| 0.5, 0.25, 0.125; relative 0.5 and 0.0625 (the zero has none); equal NaN and infinity count as 0.
        assertEquals(new Verification.Differences(0.5, 0.5), Verification.between(got, expected));
        assertEquals("1E-30 + 0.0001 * sum(|terms|) of the reference element", Verification.bound(Tolerance.FLOAT32));
        assertEquals("0", Verification.number(0));
        assertEquals("1.23e-07", Verification.number(1.234e-7));
    }

    @Test
    void conv2dReplacesAnExistingOutput() throws IOException {
        Files.writeString(dir.resolve("y.npy"), "old");
        assertEquals(0, run(conv2dArgs("--device", "reference").toArray(String[]::new)).status());
        assertArrayEquals(new int[] {2, 6, 5, 7}, Npy.read(dir.resolve("y.npy")).shape());
    }

    static Stream<Arguments> badConv2dArguments() {
        return Stream.of(
                Arguments.of("missing input file", List.of("--input", "absent.npy"), "absent.npy: no such file"),
                Arguments.of("unknown flag", List.of("--strde", "2"),
                        "unknown option --strde for conv2d (did you mean --stride?)"),
                Arguments.of("depthwise weight without groups", List.of("--weight", "depthwise.npy", "--groups", "1"),
                        "the weight is shaped for a depthwise convolution (one input channel per filter): give"
                                + " --groups 4"),
                Arguments.of("weight for other groups", List.of("--weight", "w.npy", "--groups", "4"),
                        "the weight fits --groups 2"),
                Arguments.of("channels-last input", List.of("--input", "nhwc.npy"),
                        "the input looks channels-last (N, H, W, C); save x.transpose(0, 3, 1, 2)"),
                Arguments.of("input without batch", List.of("--input", "chw.npy"),
                        "input: rank 3 (shape [4, 9, 7]"),
                Arguments.of("input without batch, fix", List.of("--input", "chw.npy"),
                        "save x[numpy.newaxis], shape (1, 4, 9, 7)"),
                Arguments.of("two-dimensional bias", List.of("--bias", "b61.npy"), "save the bias one-dimensional:"
                        + " b.reshape(6)"),
                Arguments.of("flag without value", List.of("--groups"), "--groups needs a value"),
                Arguments.of("groups do not divide", List.of("--groups", "3"),
                        "groups: 3 does not divide the input channels 4"),
                Arguments.of("weight does not fit groups", List.of("--groups", "1"), "weight: dimension 1 is 2"),
                Arguments.of("float64 input", List.of("--input", "x64.npy"),
                        "dtype '<f8' (float64) found, float32 ('<f4') is needed: save x.astype(numpy.float32) instead"),
                Arguments.of("bias of the wrong shape", List.of("--bias", "w.npy"), "bias: shape [6, 2, 3, 3]"),
                Arguments.of("zero stride", List.of("--stride", "0"), "--stride: 0, must be >= 1"),
                Arguments.of("kernel larger than input", List.of("--dilation", "9"), "more than the padded input"),
                Arguments.of("unknown device", List.of("--device", "no-such-device"), "no-such-device"),
                Arguments.of("device index past int", List.of("--device", "2147483648"),
                        "device: index 2147483648 but only"),
                Arguments.of("empty device", List.of("--device", ""), "--device needs a value, got an empty one"),
                Arguments.of("Arabic-Indic stride", List.of("--stride", "\u0661"), "--stride: '\u0661' is not an integer"),
                Arguments.of("output through a symbolic link", List.of("--output", "link.npy"),
                        "link.npy: is a symbolic link; not writing through it or replacing it"),
                Arguments.of("output directory missing", List.of("--output", "absent/y.npy"), "does not exist"),
                Arguments.of("positional argument", List.of("extra"), "unexpected argument 'extra'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConv2dArguments")
    void badConv2dArgumentsGiveStatus2OneLineAndNoOutput(String name, List<String> change, String message)
            throws IOException {
        var args = conv2dArgs();
        replaceFlags(args, change);
        if (name.equals("output through a symbolic link")) {
            Files.writeString(dir.resolve("kept"), "kept");
            Files.createSymbolicLink(dir.resolve("link.npy"), dir.resolve("kept"));
        }
        if (name.equals("unknown device") || name.equals("device index past int")) {
            assumeTrue(openClAvailable(), "without OpenCL the device error is an OpenCL one");
        }
        var before = listing();
        var r = run(args.toArray(String[]::new));
        assertRefused(r, message);
        assertEquals("", r.out());
        assertEquals(before, listing(), "no output or temporary file is left");
    }

    /** The conv2d command line on the reference device, writing {@code output}. */
    private String[] withOutput(String output) {
        var args = conv2dArgs("--device", "reference");
        args.set(args.indexOf("--output") + 1, output);
        return args.toArray(String[]::new);
    }

    @Test
    void anOutputNameNearTheFileNameLimitIsWritten() throws IOException {
        String name = "y".repeat(236) + ".npy";
        var r = run(withOutput(path(name)));
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(new int[] {2, 6, 5, 7}, Npy.read(dir.resolve(name)).shape());
    }

    @Test
    void aNamedPipeOutputIsWrittenThroughAndStaysAPipe() throws Exception {
        Path fifo = dir.resolve("y-pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        var r = run(withOutput(fifo.toString()));
        assertEquals(0, r.status(), r.err());
        Files.write(dir.resolve("copy.npy"), read.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertNull(Tolerance.EXACT.firstMismatch(Npy.read(dir.resolve("copy.npy")), expected()));
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "still a pipe");
    }

    @Test
    void anOutputCountPastALongIsAnArgumentError() throws IOException {
        Npy.write(dir.resolve("n4.npy"), Tensor.zeros(4, 1, 1, 1));
        var before = listing();
        var r = run("conv2d", "--input", path("n4.npy"), "--weight", path("n4.npy"), "--padding", "1000000000",
                "--output", path("y.npy"), "--device", "reference");
        assertEquals(2, r.status(), r.err());
        assertEquals(List.of("convcl: shape: [4, 4, 2000000001, 2000000001] has more elements than a 64-bit count"
                + " holds"), r.errLines());
        assertEquals(before, listing());
    }

    /** Outputs of 137 MiB and 77 MiB in a JVM of 64 MiB. */
    @ParameterizedTest(name = "padding {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"3000", "2200"})
    void anOutputBeyondTheHeapSaysHowMuchIsNeededAndHowToGiveIt(String padding) throws Exception {
        Npy.write(dir.resolve("one.npy"), Tensor.zeros(1, 1, 1, 1));
        var before = listing();
        var process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "conv2d", "--input",
                path("one.npy"), "--weight", path("one.npy"), "--padding", padding, "--output", path("y.npy"),
                "--device", "reference", "--verify").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, process.waitFor(), output);
        assertEquals(1, output.lines().count(), output);
        assertTrue(output.startsWith("convcl: ") && output.contains("JAVA_TOOL_OPTIONS=-Xmx"), output);
        if (padding.equals("3000")) {
            assertTrue(output.contains("output [1, 1, 6001, 6001] needs 137 MiB"), output);
        }
        assertEquals(before, listing());
    }

    @Test
    void poolingAnImageWithoutItsBatchDimensionNamesTheFix() {
        for (String command : List.of("maxpool2d", "avgpool2d")) {
            var r = run(command, "--input", path("chw.npy"), "--kernel", "2", "--output", path("p.npy"));
            assertEquals(2, r.status(), r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.err().contains("save x[numpy.newaxis], shape (1, 4, 9, 7)"), r.err());
        }
    }

    @Test
    void missingRequiredFlag() {
        var r = run("conv2d", "--input", path("x.npy"), "--weight", path("w.npy"));
        assertEquals(2, r.status());
        assertEquals(List.of("convcl: conv2d needs --output"), r.errLines());
    }

    @Test
    void helpAndUsage() {
        var help = run("--help");
        assertEquals(0, help.status());
        for (String command : List.of("devices", "conv2d", "demo")) {
            assertTrue(help.out().contains("  " + command + " "), help.out());
        }
        var none = run();
        assertEquals(2, none.status());
        assertTrue(none.out().startsWith("usage: convcl"), none.out());
        assertEquals(List.of("convcl: no command given"), none.errLines());

        var unknown = run("convolve");
        assertEquals(2, unknown.status());
        assertEquals(List.of("convcl: unknown command 'convolve' (see 'convcl --help')"), unknown.errLines());
        // Issue 24, stumble 10: flags had a did-you-mean, commands none.
        for (String typo : List.of("conv", "conv2", "maxpool", "devcies")) {
            var near = run(typo);
            assertEquals(2, near.status());
            assertEquals(List.of("convcl: unknown command '" + typo + "' (did you mean '" + Map.of("conv", "conv2d",
                    "conv2", "conv2d", "maxpool", "maxpool2d", "devcies", "devices").get(typo)
                    + "'?) (see 'convcl --help')"), near.errLines());
        }

        var conv2dHelp = run("conv2d", "--help");
        assertEquals(0, conv2dHelp.status());
        assertTrue(conv2dHelp.out().contains("--dilation DH,DW"), conv2dHelp.out());
    }

    @Test
    void versionNamesConvclJoclAndJava() {
        for (String flag : List.of("--version", "version")) {
            var r = run(flag);
            assertEquals(0, r.status(), r.err());
            var lines = r.out().lines().toList();
            assertEquals(3, lines.size(), r.out());
            // The build fills the version in; an unfiltered resource would leave ${project.version}.
            assertTrue(lines.get(0).matches("convcl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), lines.get(0));
            assertTrue(lines.get(1).matches("JOCL \\d+\\.\\d+\\.\\d+"), lines.get(1));
            assertTrue(lines.get(2).startsWith("Java " + System.getProperty("java.runtime.version")), lines.get(2));
        }
    }

    @Test
    void helpOfACommandAlsoReadsHelpCommand() {
        var r = run("help", "conv2d");
        assertEquals(0, r.status(), r.err());
        assertEquals(run("conv2d", "--help").out(), r.out());
        assertEquals(List.of("convcl: unknown command 'convolve' (see 'convcl --help')"),
                run("help", "convolve").errLines());
    }

    @Test
    void devicesListsOpenClDevicesAndTheReference() {
        var r = run("devices");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("reference"), r.out());
        if (openClAvailable()) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("* ")), "the default is marked: " + r.out());
            assertTrue(r.out().contains(Devices.list().get(0).name()), r.out());
        }
    }
}
