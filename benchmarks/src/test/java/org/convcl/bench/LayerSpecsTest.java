package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.convcl.Conv2dParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code convcl bench --layers}: layers written by their shapes, and the rules a written layer must keep. */
class LayerSpecsTest {
    @TempDir
    Path dir;

    @Test
    void aLayerTakesItsShapesAndParametersAsWritten() throws IOException {
        var layer = LayerSpecs.parse("input=4x1x161x200, weight=32x1x41x11, stride=2, padding=20x5, name=speech")
                .get(0).benchCase();
        assertEquals("speech", layer.name());
        assertEquals(BenchCase.Kind.CONV, layer.kind());
        assertArrayEquals(new int[] {4, 1, 161, 200, 32, 41, 11},
                new int[] {layer.n(), layer.cin(), layer.h(), layer.w(), layer.cout(), layer.kh(), layer.kw()});
        assertEquals(Conv2dParams.DEFAULT.withStride(2, 2).withPadding(20, 5), layer.params());
        // (161 + 40 - 41) / 2 + 1 = 81 rows, (200 + 10 - 11) / 2 + 1 = 100 columns: DeepSpeech 2's first layer.
        assertArrayEquals(new int[] {4, 32, 81, 100}, layer.outputShape());
        assertEquals(BenchSuite.byName("deepspeech_41x11_s2_c1_k32").shape(), layer.shape());
    }

    @Test
    void unwrittenParametersArePyTorchsDefaultsAndTheNameIsTheShape() throws IOException {
        var layers = LayerSpecs.parse("input=8x832x7x7,weight=128x832x5x5,padding=2;"
                + "input=2x64x9x10,weight=64x8x3x3,stride=2x1,dilation=2,groups=8").stream()
                .map(LayerSpecs.Layer::benchCase).toList();
        assertEquals(2, layers.size());
        assertEquals("layer_8x832x7x7_w128x5x5_s1_p2", layers.get(0).name());
        assertEquals(Conv2dParams.DEFAULT.withPadding(2, 2), layers.get(0).params());
        assertEquals("layer_2x64x9x10_w64x3x3_s2x1_p0_d2_g8", layers.get(1).name());
        assertEquals(Conv2dParams.DEFAULT.withStride(2, 1).withDilation(2, 2).withGroups(8), layers.get(1).params());
        // (9 - 5) / 2 + 1 = 3 rows, 10 - 5 + 1 = 6 columns.
        assertArrayEquals(new int[] {2, 64, 3, 6}, layers.get(1).outputShape());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "weight=8x3x3x3 | input: missing",
            "input=1x3x8x8 | weight: missing",
            "input=1x3x8x8,weight=8x3x3x3,strides=2 | 'strides=2' is not one of input=",
            "input=1x3x8x8,weight=8x3x3x3,2 | '2' is not one of input=",
            "input=1x3x8x8,weight=8x3x3x3,stride=1,stride=2 | stride: given twice",
            "input=1x3x8,weight=8x3x3x3 | input: '1x3x8' must be 4 sizes joined by 'x'",
            "input=1x3x8x-8,weight=8x3x3x3 | input: '-8' is not a size from 1 to 999999999",
            "input=1x3x8x8,weight=8x3x3x3,stride=0 | stride: 0, must be >= 1",
            "input=1x3x8x8,weight=8x3x3x3,padding=1x2x3 | padding: '1x2x3' must be 2 sizes joined by 'x'",
            "input=1x3x8x8,weight=8x3x3x3,groups=2 | groups: 2 does not divide the input channels 3",
            "input=1x4x8x8,weight=8x4x3x3,groups=2 | weight: dimension 1 is 4 but input channels / groups is 2",
            "input=1x3x2x8,weight=8x3x3x3 | weight: kernel height 3 with dilation 1 spans 3",
            "input=1x3x8x8,weight=8x3x3x3,name=a/b | name: 'a/b' must be 1 to 64 letters",
            "input=1x3x99999x99999,weight=8x3x3x3 | input: 29999400003 elements, must be at most 268435456",
            "input=1x1x16384x16384,weight=2x1x1x1 | output: 536870912 elements, must be at most 268435456",
            "input=1x3x8x8,weight=8x3x3x3,stride=99999999999 | stride: '99999999999' is not a size",
            "input=1x3x8x8,weight=8x3x3x3,count=0 | count: 0, must be >= 1",
            "input=1x3x8x8,weight=8x3x3x3,count=10001 | count: 10001, must be at most 10000"})
    void aLayerBreakingARuleIsRefusedNamingTheTermAndTheRule(String spec, String error) {
        var e = assertThrows(IllegalArgumentException.class, () -> LayerSpecs.parse("input=1x1x4x4,weight=1x1x1x1;"
                + spec));
        assertTrue(e.getMessage().startsWith("--layers: layer 2 ('" + spec + "'): " + error), e.getMessage());
        assertTrue(e.getMessage().endsWith("; a layer is " + LayerSpecs.SYNTAX), e.getMessage());
    }

    @Test
    void anEmptyLayerIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> LayerSpecs.parse("input=1x1x4x4,weight=1x1x1x1;"));
        assertTrue(e.getMessage().startsWith("--layers: layer 2 (''): '' is not one of input="), e.getMessage());
    }

    @Test
    void layersFollowTheNamedSuiteCasesOrRunAloneAndARepeatedLayerRunsOnce() throws IOException {
        String stem = "input=8x3x224x224,weight=64x3x7x7,stride=2,padding=3";
        var alone = BenchCommand.select(null, stem + ";" + stem + ",count=3", 0);
        assertEquals(List.of("layer_8x3x224x224_w64x7x7_s2_p3"), alone.cases().stream().map(BenchCase::name).toList());
        assertEquals(Map.of("layer_8x3x224x224_w64x7x7_s2_p3", 4), alone.layerCounts(), "1 + 3");
        var both = BenchCommand.select("seed_s2x1,sgemm_256", stem, 0);
        assertEquals(List.of("seed_s2x1", "sgemm_256", "layer_8x3x224x224_w64x7x7_s2_p3"),
                both.cases().stream().map(BenchCase::name).toList());
        assertEquals(Map.of("layer_8x3x224x224_w64x7x7_s2_p3", 1), both.layerCounts());
        assertEquals(BenchSuite.DEFAULT, BenchCommand.select(null, null, 0).cases());
        assertEquals(Map.of(), BenchCommand.select(null, null, 0).layerCounts());
        // A batch renames the layer, and its count follows it; SGEMM cases keep theirs.
        var one = BenchCommand.select("sgemm_256", stem + ",count=2", 1);
        assertEquals(List.of("sgemm_256", "layer_8x3x224x224_w64x7x7_s2_p3_n1"),
                one.cases().stream().map(BenchCase::name).toList());
        assertEquals(Map.of("layer_8x3x224x224_w64x7x7_s2_p3_n1", 2), one.layerCounts());
    }

    @Test
    void aLayerMayNotTakeTheNameOfAnotherCase() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BenchCommand.select("seed_s2x1", "input=1x1x4x4,weight=1x1x1x1,name=seed_s2x1", 0));
        assertEquals("--layers: the name 'seed_s2x1' is taken by another case; name the layer with name=",
                e.getMessage());
    }

    @Test
    void aFileGivesOneLayerALineAndSkipsCommentsAndBlankLines() throws IOException {
        Path file = Files.writeString(dir.resolve("net.txt"), """
                # ResNet-50's first block
                input=8x64x56x56,weight=256x64x1x1   # the expanding 1x1

                input=8x3x224x224,weight=64x3x7x7,stride=2,padding=3,name=stem
                """);
        var layers = LayerSpecs.parse("@" + file);
        assertEquals(List.of("layer_8x64x56x56_w256x1x1_s1_p0", "stem"),
                layers.stream().map(l -> l.benchCase().name()).toList());
    }

    @Test
    void aBrokenLineOfAFileIsNamedByItsNumber() throws IOException {
        Path file = Files.writeString(dir.resolve("net.txt"), "input=1x3x8x8,weight=8x3x3x3\n\ninput=1x3x8x8\n");
        var e = assertThrows(IllegalArgumentException.class, () -> LayerSpecs.parse("@" + file));
        assertTrue(e.getMessage().startsWith("--layers: " + file + " line 3 ('input=1x3x8x8'): weight: missing"),
                e.getMessage());
    }

    @Test
    void aFileThatCannotHoldLayersIsRefusedNamingIt() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "# nothing yet\n");
        Path big = Files.write(dir.resolve("big.txt"), new byte[LayerSpecs.MAX_FILE_BYTES + 1]);
        Path binary = Files.write(dir.resolve("bin.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        for (var c : List.of(
                new String[] {empty.toString(), empty + ": names no layer"},
                new String[] {big.toString(), big + ": larger than 1048576 bytes"},
                new String[] {binary.toString(), binary + ": is not UTF-8 text"},
                new String[] {dir.toString(), dir + ": is not a regular file"},
                new String[] {"/dev/zero", "/dev/zero: is not a regular file"},
                new String[] {dir.resolve("missing").toString(), dir.resolve("missing") + ": no such file"})) {
            var e = assertThrows(IllegalArgumentException.class, () -> LayerSpecs.parse("@" + c[0]));
            assertTrue(e.getMessage().startsWith("--layers: " + c[1]), e.getMessage());
        }
    }

    /** The networks' layer files shipped in {@code benchmarks/layers} parse, each layer named once. */
    @ParameterizedTest
    @CsvSource({"resnet50.txt, 23, 53", "speech-and-inception.txt, 6, 6"})
    void theShippedLayerFilesParse(String file, int layers, int convolutions) throws IOException {
        var parsed = LayerSpecs.parse("@layers/" + file);
        assertEquals(layers, parsed.size());
        assertEquals(layers, parsed.stream().map(l -> l.benchCase().name()).distinct().count());
        assertEquals(convolutions, parsed.stream().mapToInt(LayerSpecs.Layer::count).sum());
    }

    @Test
    void resNet50sStridedLayersHalveTheImage() throws IOException {
        for (var layer : LayerSpecs.parse("@layers/resnet50.txt").stream().map(LayerSpecs.Layer::benchCase).toList()) {
            int[] out = layer.outputShape();
            int expected = layer.params().strideH() == 2 ? layer.h() / 2 : layer.h();
            assertEquals(expected, out[2], layer.name());
            assertEquals(expected, out[3], layer.name());
        }
    }
}
