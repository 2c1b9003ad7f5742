package org.convcl.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fixtures are built byte by byte as numpy's {@code np.save} lays them out: magic, version, little-endian header
 * length, the dict text with numpy's spare room for the first extent (the run of spaces in the dicts below, as
 * numpy 2.x writes them), spaces to a multiple of 64 bytes, a newline, then the data.
 */
class NpyTest {
    private static final String DICT_2X3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(20);
    private static final float[] SIX = {1.5f, -2f, 0f, 3.25f, 1e-30f, -7f};

    @TempDir
    Path dir;

    /** A .npy file of format {@code major}.0 exactly as numpy pads it. */
    static byte[] numpyFile(int major, String dict, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        int prefix = 8 + lengthBytes;
        int padding = 64 - (prefix + dict.length() + 1) % 64;
        byte[] header = (dict + " ".repeat(padding) + "\n").getBytes(ISO_8859_1);
        var file = ByteBuffer.allocate(prefix + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            file.putShort((short) header.length);
        } else {
            file.putInt(header.length);
        }
        return file.put(header).put(data).array();
    }

    static byte[] float32(float... values) {
        var data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        return data.array();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void roundTripKeepsShapeAndEveryBit() throws IOException {
        float[] special = {Float.NaN, -0f, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE, 1f / 3};
        for (var t : List.of(new Tensor(special, 2, 3), Tensor.seeded(7).uniform(2, 3, 4, 5), new Tensor(new float[] {4f}),
                new Tensor(new float[] {1, 2, 3}, 3), Tensor.zeros(0, 3))) {
            Path f = dir.resolve("t.npy");
            Npy.write(f, t);
            var back = Npy.read(f);
            assertArrayEquals(t.shape(), back.shape());
            for (int i = 0; i < t.size(); i++) {
                assertEquals(Float.floatToRawIntBits(t.data()[i]), Float.floatToRawIntBits(back.data()[i]));
            }
        }
    }

    @Test
    void bytesInMemoryReadAsTheFileWouldBeAndAreRefusedUnderTheirName() {
        var t = Npy.read(numpyFile(1, DICT_2X3, float32(SIX)), Path.of("row 7"));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(SIX, t.data());
        var shortData = assertThrows(IllegalArgumentException.class,
                () -> Npy.read(numpyFile(1, DICT_2X3, float32(1, 2, 3)), Path.of("row 7")));
        assertTrue(shortData.getMessage().startsWith("row 7: "), shortData.getMessage());
        var float64 = assertThrows(IllegalArgumentException.class, () -> Npy.read(numpyFile(1,
                DICT_2X3.replace("<f4", "<f8"), new byte[48]), Path.of("row 7")));
        assertTrue(float64.getMessage().startsWith("row 7: dtype '<f8' (float64) found"), float64.getMessage());
    }

    @Test
    void roundTripLargerThanOneChunk() throws IOException {
        var t = Tensor.seeded(3).uniform(1, 3, 101, 97);
        Npy.write(dir.resolve("big.npy"), t);
        assertArrayEquals(t.data(), Npy.read(dir.resolve("big.npy")).data());
    }

    @Test
    void readsWhatNumpyWrites() throws IOException {
        var t = Npy.read(file("a.npy", numpyFile(1, DICT_2X3, float32(SIX))));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(SIX, t.data());

        var vector = Npy.read(file("v.npy", numpyFile(1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }" + " ".repeat(20),
                float32(1, 2, 3, 4, 5))));
        assertArrayEquals(new int[] {5}, vector.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, vector.data());

        var nativeOrder = Npy.read(file("n.npy", numpyFile(1, DICT_2X3.replace("<f4", "=f4"), float32(SIX))));
        assertArrayEquals(SIX, nativeOrder.data(), "native order is little-endian here");

        var scalar = Npy.read(file("s.npy", numpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                float32(2.5f))));
        assertEquals(0, scalar.rank());
        assertArrayEquals(new float[] {2.5f}, scalar.data());

        var nchw = Npy.read(file("x.npy", numpyFile(1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4), }" + " ".repeat(20),
                float32(new float[24]))));
        assertArrayEquals(new int[] {1, 2, 3, 4}, nchw.shape());
    }

    @Test
    void readsFormatVersion2() throws IOException {
        var t = Npy.read(file("v2.npy", numpyFile(2, DICT_2X3, float32(SIX))));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(SIX, t.data());
    }

    @Test
    void readsOtherValidSpellingsOfTheHeader() throws IOException {
        // Key order, quotes, spacing and a missing trailing comma are free in Python; Python 2 wrote 2L.
        for (String dict : List.of("{\"shape\":(2,3),\"fortran_order\":False,\"descr\":\"<f4\"}",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
                "{ 'descr' : '<f4' ,\n 'fortran_order' : False , 'shape' : ( 2 , 3 , ) }")) {
            assertArrayEquals(SIX, Npy.read(file("h.npy", numpyFile(1, dict, float32(SIX)))).data(), dict);
        }
    }

    @Test
    void writesExactlyWhatNumpyWrites() throws IOException {
        Path f = dir.resolve("w.npy");
        Npy.write(f, new Tensor(SIX, 2, 3));
        assertArrayEquals(numpyFile(1, DICT_2X3, float32(SIX)), Files.readAllBytes(f));

        Npy.write(f, new Tensor(new float[] {1, 2, 3, 4, 5}, 5));
        assertArrayEquals(numpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"
                + " ".repeat(20), float32(1, 2, 3, 4, 5)), Files.readAllBytes(f));

        Npy.write(f, new Tensor(new float[] {2.5f}));
        assertArrayEquals(numpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", float32(2.5f)),
                Files.readAllBytes(f));
    }

    @Test
    void writesInt64AsNumpyDoes() throws IOException {
        long[] values = {0, 1, -1, Long.MAX_VALUE, 1L << 40, 5};
        var data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        Path f = dir.resolve("i.npy");
        AtomicFile.writeAll(List.of(Npy.int64(f, values, 2, 3)));
        byte[] expected = numpyFile(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }"
                + " ".repeat(20), data.array());
        assertArrayEquals(expected, Files.readAllBytes(f));
        Npy.writeInt64(f, values, 2, 3);
        assertArrayEquals(expected, Files.readAllBytes(f), "writeInt64 writes the same bytes");
    }

    @Test
    void shapeReadsTheHeaderAndChecksTheFileAsReadDoes() throws IOException {
        assertArrayEquals(new int[] {2, 3}, Npy.shape(file("a.npy", numpyFile(1, DICT_2X3, float32(SIX)))));
        assertArrayEquals(new int[0], Npy.shape(file("s.npy", numpyFile(1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", float32(2.5f)))));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Npy.shape(file("short.npy", numpyFile(1, DICT_2X3, float32(1, 2, 3, 4, 5)))));
        assertTrue(e.getMessage().contains("truncated data"), e.getMessage());
    }

    @Test
    void int64DataMustMatchTheShape() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Npy.int64(dir.resolve("i.npy"), new long[5], 2, 3));
        assertTrue(e.getMessage().contains("length 5"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("i.npy")));
    }

    @Test
    void failedWriteLeavesNoFileAndKeepsTheOldOne() throws IOException {
        Path fresh = dir.resolve("fresh.npy");
        Path existing = file("existing.npy", new byte[] {1, 2, 3});
        for (Path target : List.of(fresh, existing)) {
            assertThrows(IOException.class, () -> AtomicFile.write(target, out -> {
                out.write(new byte[1000]);
                throw new IOException("disk full");
            }));
        }
        assertFalse(Files.exists(fresh));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(existing));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(existing), files.toList(), "temporary files are removed");
        }
    }

    @Test
    void nativeOrderFloat32IsLittleEndianExceptOnABigEndianMachine() {
        assertNull(Npy.dtypeProblem("=f4", Npy.Dtype.FLOAT32_ELEMENTS, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertNull(Npy.dtypeProblem("<f4", Npy.Dtype.FLOAT32_ELEMENTS, java.nio.ByteOrder.BIG_ENDIAN));
        assertEquals("dtype '=f4' (float32, big-endian) found, float32 ('<f4') is needed: save x.astype('<f4') instead",
                Npy.dtypeProblem("=f4", Npy.Dtype.FLOAT32_ELEMENTS, java.nio.ByteOrder.BIG_ENDIAN));
        assertEquals("dtype '>f4' (float32, big-endian) found, float32 ('<f4') is needed: save x.astype('<f4') instead",
                Npy.dtypeProblem(">f4", Npy.Dtype.FLOAT32_ELEMENTS, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals("dtype '' found, float32 ('<f4') is needed: save x.astype(numpy.float32) instead",
                Npy.dtypeProblem("", Npy.Dtype.FLOAT32_ELEMENTS, java.nio.ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void missingFileIsAnIoError() {
        assertThrows(NoSuchFileException.class, () -> Npy.read(dir.resolve("absent.npy")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "dtype float64       | {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } | dtype '<f8' (float64) found, float32 ('<f4') is needed",
        "big-endian          | {'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), } | dtype '>f4' (float32, big-endian) found, float32",
        "dtype int64         | {'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), } | dtype '<i8' (int64) found, float32",
        "structured dtype    | {'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), } | structured",
        "fortran order       | {'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), } | fortran_order is True",
        "not a dict          | ('<f4', False, (2, 3))                          | malformed header: not a dict",
        "missing key         | {'descr': '<f4', 'fortran_order': False}        | malformed header: no 'shape' key",
        "repeated key        | {'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} | key 'descr' appears twice",
        "extra key           | {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1} | malformed header: unexpected key 'x'",
        "shape is a list     | {'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]} | 'shape' is not a tuple",
        "shape is an int     | {'descr': '<f4', 'fortran_order': False, 'shape': (6)} | 'shape' is not a tuple",
        "negative extent     | {'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3)} | shape entry -2",
        "fortran not a bool  | {'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)} | 'fortran_order' is not True or False",
        "unclosed dict       | {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) | malformed header",
        "garbage in the dict | {'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3)} | malformed header: unexpected 'M'",
        "text after the dict | {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} xyz | after the dict",
    })
    void rejectsBadHeaders(String name, String dict, String rule) throws IOException {
        assertRejected(file("bad.npy", numpyFile(1, dict, float32(SIX))), rule);
    }

    @Test
    void rejectsShortAndUnsupportedFiles() throws IOException {
        assertRejected(file("empty.npy", new byte[0]), "bad magic");
        assertRejected(file("text.npy", "NUMPY, but not really".getBytes(ISO_8859_1)), "bad magic");
        byte[] good = numpyFile(1, DICT_2X3, float32(SIX));
        assertRejected(file("cut-version.npy", Arrays.copyOf(good, 7)), "truncated");
        assertRejected(file("cut-length.npy", Arrays.copyOf(good, 9)), "truncated");
        assertRejected(file("cut-header.npy", Arrays.copyOf(good, 60)), "truncated: the header says");
        byte[] v3 = good.clone();
        v3[6] = 3;
        assertRejected(file("v3.npy", v3), "format version 3.0 is not supported");
        byte[] v11 = good.clone();
        v11[7] = 1;
        assertRejected(file("v11.npy", v11), "format version 1.1 is not supported");
    }

    @Test
    void rejectsDataShorterOrLongerThanTheShape() throws IOException {
        assertRejected(file("short.npy", numpyFile(1, DICT_2X3, float32(1, 2, 3, 4, 5))),
                "truncated data: shape (2, 3) of float32 takes 24 bytes but the file has only 20");
        assertRejected(file("long.npy", numpyFile(1, DICT_2X3, float32(1, 2, 3, 4, 5, 6, 7))),
                "trailing data: shape (2, 3) of float32 takes 24 bytes but the file has 28");
    }

    @Test
    void rejectsAShapeTheFileDoesNotHoldBeforeAllocatingIt() throws IOException {
        // 192 bytes that claim 6.4 GB: refused by the file's size, not by an OutOfMemoryError.
        assertRejected(file("claims-6g.npy", numpyFile(1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 40000, 40000), }", new byte[64])),
                "truncated data: shape (1, 1, 40000, 40000) of float32 takes 6400000000 bytes but the file has only 64");
        assertRejected(file("huge.npy", numpyFile(1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", new byte[0])),
                "takes 17179869184 bytes");
        // A product past 2^63 is still counted right.
        assertRejected(file("overflow.npy", numpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': "
                + "(2147483647, 2147483647, 2147483647), }", new byte[0])), "takes 39614081201791936601413124092 bytes");
    }

    @Test
    void rejectsShapesTooLargeForJava() throws IOException {
        // A sparse file really holds the 8 GiB the shape needs; its count is past a Java array's limit.
        Path f = file("huge.npy", numpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647,), }",
                new byte[0]));
        try (var sparse = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            sparse.setLength(sparse.length() + 4L * Integer.MAX_VALUE);
        }
        assertRejected(f, "more elements than a Java array holds");
    }

    @Test
    void rejectsDeepNestingAndLongHeadersBeforeReadingThem() throws IOException {
        String deep = "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(".repeat(32_000) + "2, 3), }";
        assertRejected(file("deep.npy", numpyFile(2, deep, float32(SIX))), "nested more than 32 deep");
        // Format 2.0 with a header length of 2^31 (it once gave "capacity < 0") and of 1 GiB, in tiny files.
        for (long length : new long[] {1L << 31, 1L << 30, (1 << 20) + 1}) {
            byte[] bytes = numpyFile(2, DICT_2X3, float32(SIX));
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) length);
            assertRejected(file("long-header.npy", bytes), "the header length " + length
                    + " is more than the 1048576 bytes");
        }
    }

    @Test
    void controlCharactersOfTheHeaderAreEscapedInTheMessage() throws IOException {
        Path f = file("nul.npy", numpyFile(1, "{'descr': '<f4\0\u001b[2J', 'fortran_order': False, 'shape': (2, 3), }",
                float32(SIX)));
        var e = assertThrows(IllegalArgumentException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("'<f4\\x00\\x1b[2J'"), e.getMessage());
        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
    }

    @Test
    void rejectsADirectory() {
        assertRejected(dir, "is a directory");
    }

    private static void assertRejected(Path file, String rule) {
        var e = assertThrows(IllegalArgumentException.class, () -> Npy.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(rule), "states '" + rule + "': " + e.getMessage());
    }

    @Test
    void fixtureHelperMatchesTheLengthsNumpyWrites() {
        // np.save of a (2, 3) float32 array is 128 header bytes plus 24 data bytes; of a 0-d one 128 plus 4.
        assertEquals(152, numpyFile(1, DICT_2X3, float32(SIX)).length);
        assertEquals(132, numpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", float32(1)).length);
        assertEquals(128, numpyFile(2, DICT_2X3, new byte[0]).length);
    }
}
