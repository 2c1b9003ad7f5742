package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, stumble 8: the library modules print nothing themselves (the reference fallback and the forgotten-tensor
 * warning went to System.err); diagnostics are log records. The command line, package org.convcl.cli, and the Spark
 * example's command line, org.convcl.spark.example, print their own messages.
 */
class LibraryOutputTest {
    private static final List<String> LIBRARY_SOURCES = List.of("kernels/src/main/java", "cpu-reference/src/main/java",
            "host/src/main/java", "spark/src/main/java");

    @Test
    void noLibrarySourceWritesToStdoutOrStderr() throws IOException {
        Path root = ReadmeTest.readme().getParent();
        var writers = new ArrayList<String>();
        int files = 0;
        for (String dir : LIBRARY_SOURCES) {
            try (Stream<Path> all = Files.walk(root.resolve(dir))) {
                for (Path file : all.filter(f -> f.toString().endsWith(".java")
                        && !f.toString().contains("/org/convcl/cli/")
                        && !f.toString().contains("/org/convcl/spark/example/")).sorted().toList()) {
                    files++;
                    var lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).matches(".*(System\\.(out|err)\\b|printStackTrace\\().*")) {
                            writers.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertTrue(files > 100, "library sources found: " + files);
        assertEquals(List.of(), writers);
    }
}
