package org.convcl.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.convcl.opencl.FakeDevices;
import org.convcl.opencl.device.DeviceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Find results survive the process, and a damaged or hostile file never hurts: it is skipped, never followed. */
class FindDatabaseTest {
    private static final DeviceInfo CPU = FakeDevices.cpu(8);
    private static final DeviceInfo GPU = FakeDevices.nvidia();
    @TempDir
    Path dir;

    private FindDatabase database() {
        return FindDatabase.beside(dir.resolve("tuning.properties"));
    }

    @Test
    void storedResultsAreReadBackPerDeviceNewestLast() {
        var db = database();
        assertEquals(Map.of(), db.load(CPU));
        db.store(CPU, "conv2d a", "DIRECT");
        db.store(GPU, "conv2d a", "IMPLICIT_GEMM");
        db.store(CPU, "conv2d b", "WINOGRAD");
        db.store(CPU, "conv2d a", "POINTWISE");
        assertEquals(Map.of("conv2d a", "POINTWISE", "conv2d b", "WINOGRAD"), db.load(CPU));
        assertEquals(Map.of("conv2d a", "IMPLICIT_GEMM"), db.load(GPU));
        assertEquals(dir.resolve("find.tsv"), db.file());
    }

    @Test
    void theOldestEntriesGoFirst() {
        var db = new FindDatabase(dir.resolve("find.tsv"), 3);
        for (var problem : new String[] {"p1", "p2", "p3", "p4"}) {
            db.store(CPU, problem, "DIRECT");
        }
        assertEquals(Map.of("p2", "DIRECT", "p3", "DIRECT", "p4", "DIRECT"), db.load(CPU));
    }

    @Test
    void damagedLinesAreSkippedOneByOne() throws IOException {
        var db = database();
        db.store(CPU, "conv2d good", "DIRECT");
        String key = FindDatabase.deviceKey(CPU) + " | ";
        Files.writeString(db.file(), Files.readString(db.file()) + "no tab here\n" + key + "lower\tdirect\n" + key
                + "long id\t" + "A".repeat(40) + "\n\t\n" + key + "also good\tWINOGRAD\n");
        assertEquals(Map.of("conv2d good", "DIRECT", "also good", "WINOGRAD"), db.load(CPU));
    }

    @Test
    void anOversizedOrUndecodableFileIsIgnored() throws IOException {
        var db = database();
        String line = FindDatabase.deviceKey(CPU) + " | p\tDIRECT\n";
        Files.writeString(db.file(), line.repeat((int) (FindDatabase.MAX_BYTES / line.length()) + 1));
        assertEquals(Map.of(), db.load(CPU));
        Files.write(db.file(), (line + "\u00ff").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(Map.of(), db.load(CPU));
    }

    @Test
    void aLinkOrADirectoryAtThePathIsNeitherFollowedNorReplaced() throws IOException {
        var db = database();
        Path target = dir.resolve("elsewhere.txt");
        Files.writeString(target, "precious\n");
        Files.createSymbolicLink(db.file(), target);
        db.store(CPU, "p", "DIRECT");
        assertTrue(Files.isSymbolicLink(db.file()), "the link is left");
        assertEquals("precious\n", Files.readString(target));
        Files.delete(db.file());
        Files.createDirectory(db.file());
        db.store(CPU, "p", "DIRECT");
        assertTrue(Files.isDirectory(db.file()));
        assertEquals(Map.of(), db.load(CPU));
        try (var left = Files.list(dir)) {
            assertEquals(0, left.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "no temp file left");
        }
    }
}
