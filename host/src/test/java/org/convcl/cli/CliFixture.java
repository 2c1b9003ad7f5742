package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.convcl.Tensor;
import org.convcl.io.Npy;
import org.junit.jupiter.api.io.TempDir;

/** A temporary directory of .npy files for command lines, and the checks a refused command line gets. */
abstract class CliFixture {
    @TempDir
    Path dir;

    /** Writes t to dir/name for a command line to read, and returns it. */
    Tensor written(String name, Tensor t) throws IOException {
        Npy.write(dir.resolve(name), t);
        return t;
    }

    String path(String name) {
        return dir.resolve(name).toString();
    }

    List<Path> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /**
     * The changed flags replace the good ones in {@code args}, each flag with its value, and the rest of
     * {@code change} is appended; .npy names are files in the temporary directory.
     */
    void replaceFlags(List<String> args, List<String> change) {
        for (String token : change) {
            int at = args.indexOf(token);
            if (token.startsWith("--") && at >= 0) {
                args.subList(at, at + 2).clear();
            }
        }
        change.forEach(token -> args.add(token.endsWith(".npy") ? path(token) : token));
    }

    /** Status 2 and one line on stderr, {@code convcl: } and then a message containing {@code message}. */
    static void assertRefused(CliTest.Run r, String message) {
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("convcl: ") && r.err().contains(message), r.err());
    }
}
