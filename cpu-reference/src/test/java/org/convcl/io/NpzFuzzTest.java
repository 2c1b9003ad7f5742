package org.convcl.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile archives for {@link Npz}: valid ones, stored and deflated, with random bytes changed. Each read must give
 * its arrays or an {@link IllegalArgumentException} or {@link IOException} with a one-line message; any other
 * exception, or an error such as OutOfMemoryError, fails the test with the input that caused it.
 */
class NpzFuzzTest {
    private static final long SEED = 24;
    private static final int RUNS = 600;

    @TempDir
    Path dir;

    @Test
    void damagedValidArchives() throws IOException {
        var random = new Random(SEED);
        Path stored = dir.resolve("stored.npz");
        Path deflated = dir.resolve("deflated.npz");
        var writer = Npz.writer().add("y", Tensor.seeded(1).uniform(3, 5, 7))
                .add("indices", new Int64Array(new long[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3}));
        writer.write(deflated);
        writer.stored().write(stored);
        byte[][] valid = {Files.readAllBytes(stored), Files.readAllBytes(deflated)};
        for (int run = 0; run < RUNS; run++) {
            byte[] bytes = valid[random.nextInt(2)].clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            check(bytes);
        }
    }

    private void check(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("fuzz.npz"), bytes);
        try {
            for (String name : Npz.names(file)) {
                try {
                    Npz.read(file, name);
                } catch (IllegalArgumentException e) {
                    Npz.readInt64(file, name);
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            String message = String.valueOf(e.getMessage());
            assertFalse(message.contains("\n"), () -> "two lines for " + HexFormat.of().formatHex(bytes) + ": "
                    + message);
            assertTrue(message.startsWith(file.toString()) || message.startsWith("name: ") || e instanceof IOException,
                    () -> "the file is not named for " + HexFormat.of().formatHex(bytes) + ": " + message);
        } catch (RuntimeException | Error e) {
            fail("archive " + HexFormat.of().formatHex(bytes) + " gave " + e, e);
        }
    }
}
