package org.convcl.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile files for {@link Npy#read}: random bytes, and valid files with random damage. Each must give a tensor or an
 * {@link IllegalArgumentException} or {@link IOException} whose one-line message names the file; any other
 * exception, or an error such as OutOfMemoryError or StackOverflowError, fails the test with the input that caused it.
 */
class NpyFuzzTest {
    private static final long SEED = 11;
    private static final int RUNS = 4000;
    /** Pieces a mutation splices into a header: the tokens the parser cares about and the bytes that hurt. */
    private static final List<String> TOKENS = List.of("(", ")", "[", "]", "{", "}", ",", ":", "'", "\"", "L", "-",
            "9999999999", "2147483648", "0", "True", "None", "'shape'", "'descr'", "\0", "\n", "\u00ff", "((((((((");

    @TempDir
    Path dir;

    @Test
    void randomBytes() throws IOException {
        var random = new Random(SEED);
        for (int run = 0; run < RUNS; run++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            if (random.nextBoolean() && bytes.length >= 8) {
                // Past the magic and the version, so the header code is reached too.
                System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) (1 + random.nextInt(2)), 0},
                        0, bytes, 0, 8);
            }
            check(bytes);
        }
    }

    @Test
    void damagedValidFiles() throws IOException {
        var random = new Random(SEED + 1);
        for (int run = 0; run < RUNS; run++) {
            int major = 1 + random.nextInt(2);
            var dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(dict.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> dict.insert(at, TOKENS.get(random.nextInt(TOKENS.size())));
                    case 1 -> dict.delete(at, Math.min(dict.length(), at + 1 + random.nextInt(4)));
                    default -> dict.insert(at, (char) random.nextInt(256));
                }
            }
            byte[] bytes = NpyTest.numpyFile(major, dict.toString(), new byte[24]);
            if (random.nextInt(4) == 0) {
                // Damage the bytes around the prefix and the length field as well.
                bytes[random.nextInt(Math.min(bytes.length, 12))] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 8));
            }
            check(bytes);
        }
    }

    private void check(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("fuzz.npy"), bytes);
        try {
            Npy.read(file);
        } catch (IllegalArgumentException | IOException e) {
            String message = e.getMessage();
            assertTrue(message != null && message.startsWith(file + ": "), () -> "names the file: " + message
                    + " for " + HexFormat.of().formatHex(bytes));
            assertFalse(message.chars().anyMatch(Character::isISOControl), () -> "one printable line: " + message);
        } catch (Throwable t) {
            fail(t + " for " + HexFormat.of().formatHex(bytes) + " (" + new String(bytes, ISO_8859_1) + ")", t);
        }
    }
}
