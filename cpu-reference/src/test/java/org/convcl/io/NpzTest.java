package org.convcl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 24, stumble 4: int64 arrays are read with their shape (PyTorch's max-pool indices had to be re-saved as
 * float32), and {@code .npz} archives are read and written, stored and deflated, with hostile archives refused.
 */
class NpzTest {
    private static final float[] SIX = {1.5f, -2f, 0f, 3.25f, 1e-30f, -7f};
    private static final long[] INDICES = {0, 1, -1, 1L << 40, 5, 7};
    /** {@code np.savez(f, y=y, indices=i)} with numpy 2.4: y float32 (2, 3) SIX, i int64 (2, 3) INDICES. */
    private static final String NUMPY_STORED = "UEsDBC0AAAAAAAAAIQDaw9Hn//////////8FABQAeS5ucHkBABAAmAAAAAAAAACYAAAAAAAA"
            + "AJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAzKSwgfSAgICAg"
            + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAADAPwAAAMAAAAAAAABQQGBCog0A"
            + "AODAUEsDBC0AAAAAAAAAIQCUC9S///////////8LABQAaW5kaWNlcy5ucHkBABAAsAAAAAAAAACwAAAAAAAAAJNOVU1QWQEAdgB7"
            + "J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAzKSwgfSAgICAgICAgICAgICAgICAg"
            + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAAAABAAAAAAAAAP//////////AAAAAAABAAAF"
            + "AAAAAAAAAAcAAAAAAAAAUEsBAi0DLQAAAAAAAAAhANrD0eeYAAAAmAAAAAUAAAAAAAAAAAAAAIABAAAAAHkubnB5UEsBAi0DLQAA"
            + "AAAAAAAhAJQL1L+wAAAAsAAAAAsAAAAAAAAAAAAAAIABzwAAAGluZGljZXMubnB5UEsFBgAAAAACAAIAbAAAALwBAAAAAA==";
    /** The same with {@code np.savez_compressed}. */
    private static final String NUMPY_DEFLATED = "UEsDBC0AAAAIAAAAIQDaw9Hn//////////8FABQAeS5ucHkBABAAmAAAAAAAAABaAAAA"
            + "AAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6CsaaOgq1CmQDLgaG"
            + "A/YMQIIBDAIcEpwW8TIwPDgAAFBLAwQtAAAACAAAACEAlAvUv///////////CwAUAGluZGljZXMubnB5AQAQALAAAAAAAAAAVQAA"
            + "AAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2mhrqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RpGOgrGmjoKtQpkAy4G"
            + "KGCE0v+hACbIChVnh9IAUEsBAi0DLQAAAAgAAAAhANrD0edaAAAAmAAAAAUAAAAAAAAAAAAAAIABAAAAAHkubnB5UEsBAi0DLQAA"
            + "AAgAAAAhAJQL1L9VAAAAsAAAAAsAAAAAAAAAAAAAAIABkQAAAGluZGljZXMubnB5UEsFBgAAAAACAAIAbAAAACMBAAAAAA==";

    @TempDir
    Path dir;

    @Test
    void readInt64KeepsTheShape() throws IOException {
        Path f = dir.resolve("i.npy");
        Npy.writeInt64(f, INDICES, 2, 3);
        var read = Npy.readInt64(f);
        assertArrayEquals(INDICES, read.data());
        assertArrayEquals(new int[] {2, 3}, read.shape());
        assertEquals(new Int64Array(INDICES, new int[] {2, 3}), read);
    }

    @Test
    void readInt64RefusesOtherDtypesAndShortData() throws IOException {
        Path f = dir.resolve("f.npy");
        Npy.write(f, new Tensor(SIX, 2, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> Npy.readInt64(f));
        assertEquals(f + ": dtype '<f4' (float32) found, int64 ('<i8') is needed: save x.astype(numpy.int64) instead",
                e.getMessage());
        Path i = dir.resolve("i.npy");
        Npy.writeInt64(i, INDICES, 2, 3);
        byte[] bytes = Files.readAllBytes(i);
        Files.write(i, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        e = assertThrows(IllegalArgumentException.class, () -> Npy.readInt64(i));
        assertTrue(e.getMessage().contains("truncated data: shape (2, 3) of int64 takes 48 bytes"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stored", "deflated"})
    void readsWhatNumpyWrites(String how) throws IOException {
        Path f = Files.write(dir.resolve("a.npz"), Base64.getDecoder().decode(how.equals("stored") ? NUMPY_STORED
                : NUMPY_DEFLATED));
        assertEquals(List.of("y", "indices"), Npz.names(f));
        var y = Npz.read(f, "y");
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(SIX, y.data());
        assertEquals(new Int64Array(INDICES, new int[] {2, 3}), Npz.readInt64(f, "indices"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(booleans = {true, false})
    void roundTripsBothDtypes(boolean stored) throws IOException {
        Path f = dir.resolve("out.npz");
        var big = Tensor.seeded(3).uniform(3, 70_000);
        var writer = Npz.writer().add("y", new Tensor(SIX, 2, 3)).add("indices", new Int64Array(INDICES,
                new int[] {3, 2})).add("big", big);
        (stored ? writer.stored() : writer).write(f);
        assertEquals(List.of("y", "indices", "big"), Npz.names(f));
        assertArrayEquals(SIX, Npz.read(f, "y").data());
        assertEquals(new Int64Array(INDICES, new int[] {3, 2}), Npz.readInt64(f, "indices"));
        assertArrayEquals(big.data(), Npz.read(f, "big").data());
        var e = assertThrows(IllegalArgumentException.class, () -> Npz.read(f, "x"));
        assertEquals("name: " + f + " holds no array 'x' (it holds y, indices, big)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Npz.read(f, "indices"));
        assertTrue(e.getMessage().startsWith(f.resolve("indices.npy") + ": dtype '<i8' (int64) found, float32"),
                e.getMessage());
    }

    @Test
    void writerRefusesBadAndRepeatedNames() {
        var t = Tensor.zeros(1);
        assertRefused("name: '../x': a name is not a path", () -> Npz.writer().add("../x", t));
        assertRefused("name: '': a name takes 1 to 200 characters", () -> Npz.writer().add("", t));
        assertRefused("name: 'y' is already in the archive", () -> Npz.writer().add("y", t).add("y", t));
    }

    @Test
    void refusesWhatIsNotAnArchiveOfArrays() throws IOException {
        Path notZip = Files.write(dir.resolve("n.npz"), new byte[] {1, 2, 3, 4});
        assertRefused(notZip + ": not a .npz file (not a zip archive", () -> Npz.names(notZip));
        Path traversal = zip("t.npz", "../evil.npy", new byte[10]);
        assertRefused(traversal + ": entry '../evil.npy': a name is not a path", () -> Npz.names(traversal));
        Path other = zip("o.npz", "readme.txt", new byte[10]);
        assertRefused(other + ": entry 'readme.txt' is not a .npy array", () -> Npz.read(other, "readme"));
        Path control = zip("c.npz", "a\nb.npy", new byte[10]);
        assertRefused(control + ": entry 'a\\x0ab.npy': a name has no control characters", () -> Npz.names(control));
        Path garbage = zip("g.npz", "x.npy", new byte[10]);
        assertRefused(garbage.resolve("x.npy") + ": not a .npy file (bad magic", () -> Npz.read(garbage, "x"));
    }

    /** A zip bomb: an entry that inflates past the size its directory declares, or declares more than deflate makes. */
    @Test
    void refusesEntriesThatInflatePastWhatTheyDeclare() throws IOException {
        Path f = dir.resolve("z.npz");
        Npz.writer().add("z", Tensor.zeros(1000, 1000)).write(f);
        long real = 4_000_128;
        Path under = Files.write(dir.resolve("under.npz"), withDeclaredSize(Files.readAllBytes(f), 1000));
        assertRefused(under + ": entry 'z.npy' inflates to more than the 1000 bytes it declares",
                () -> Npz.read(under, "z"));
        Path over = Files.write(dir.resolve("over.npz"), withDeclaredSize(Files.readAllBytes(f), 2_000_000_000));
        assertRefused(over + ": entry 'z.npy' declares 2000000000 bytes from ", () -> Npz.read(over, "z"));
        Path truncated = Files.write(dir.resolve("trunc.npz"), withDeclaredSize(Files.readAllBytes(f), real + 8));
        assertRefused(truncated + ": entry 'z.npy' truncated: it declares " + (real + 8) + " bytes and holds " + real,
                () -> Npz.read(truncated, "z"));
    }

    /**
     * A small archive whose sizes claim gigabytes is refused without allocating them: stored entries must declare
     * their size twice alike, and a deflated one is read as far as its data goes.
     */
    @Test
    void aDamagedSizeCostsWhatTheFileHolds() throws IOException {
        Path f = dir.resolve("small.npz");
        Npz.writer().add("y", Tensor.seeded(1).uniform(3, 5, 7)).write(f);
        Path deflated = Files.write(dir.resolve("deflated.npz"), withDeclaredSize(Files.readAllBytes(f), 500_000));
        Npz.writer().add("y", Tensor.seeded(1).uniform(3, 5, 7)).stored().write(f);
        Path stored = Files.write(dir.resolve("stored.npz"), withDeclaredSize(Files.readAllBytes(f), 1_946_157_604));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        assertRefused(stored + ": entry 'y.npy' is stored but declares 1946157604 bytes in ",
                () -> Npz.read(stored, "y"));
        assertRefused(deflated + ": entry 'y.npy' truncated: it declares 500000 bytes and holds ",
                () -> Npz.read(deflated, "y"));
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 64 << 20, allocated + " bytes allocated to refuse two archives of a few hundred bytes");
    }

    private Path zip(String name, String entry, byte[] content) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content);
            zip.closeEntry();
        }
        return Files.write(dir.resolve(name), bytes.toByteArray());
    }

    /** The archive with the uncompressed size of its one entry, in the central directory, replaced. */
    private static byte[] withDeclaredSize(byte[] archive, long size) {
        var buffer = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = archive.length - 22; at >= 0; at--) {
            if (buffer.getInt(at) == 0x02014b50) {
                buffer.putInt(at + 24, (int) size);
                return archive;
            }
        }
        throw new IllegalStateException("no central directory header");
    }

    private static void assertRefused(String start, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
