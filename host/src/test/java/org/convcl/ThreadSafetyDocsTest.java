package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, stumble 9: every public type of the documented packages says in its Javadoc whether threads may share it.
 */
class ThreadSafetyDocsTest {
    /** The packages the Javadoc jars publish; the layers below OpenClBackend and the command line are not API. */
    private static final List<String> DOCUMENTED = List.of("kernels/src/main/java/org/convcl/kernels",
            "cpu-reference/src/main/java/org/convcl", "cpu-reference/src/main/java/org/convcl/io",
            "cpu-reference/src/main/java/org/convcl/reference", "cpu-reference/src/main/java/org/convcl/spi",
            "host/src/main/java/org/convcl/opencl", "host/src/main/java/org/convcl/opencl/device",
            "spark/src/main/java/org/convcl/spark", "spark/src/main/java/org/convcl/spark/example");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "\n(?:@[^\n]*\n)*public (?:final |abstract |sealed )*(?:class|interface|record|enum) ");

    @Test
    void everyPublicTypeStatesItsThreadSafety() throws IOException {
        Path root = ReadmeTest.readme().getParent();
        var silent = new java.util.ArrayList<String>();
        int checked = 0;
        for (String dir : DOCUMENTED) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")
                        && !f.endsWith("package-info.java")).sorted().toList()) {
                    String source = Files.readString(file);
                    var m = PUBLIC_TYPE.matcher(source);
                    if (!m.find()) {
                        continue;
                    }
                    checked++;
                    String head = source.substring(0, m.start());
                    String doc = head.substring(Math.max(0, head.lastIndexOf("/**")));
                    if (!doc.toLowerCase(Locale.ROOT).contains("thread")) {
                        silent.add(root.relativize(file).toString());
                    }
                }
            }
        }
        assertTrue(checked > 40, "public types found: " + checked);
        assertEquals(List.of(), silent, "public types whose Javadoc does not say whether threads may share them");
    }
}
