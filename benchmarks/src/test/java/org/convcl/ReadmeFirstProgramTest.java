package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24, stumble 2: the README's first program builds and runs as written, its {@code pom.xml} (the README gave
 * only a dependency block, and Maven 3.8's default compiler plugin then failed with "Source option 5 is no longer
 * supported") and its {@code Hello.java} saved in an empty directory, its commands run there against the library
 * artifacts this build installed. Here in the benchmarks module because the reactor installs the library modules
 * before it tests this one.
 */
@Tag("slow") // a Maven build of its own
class ReadmeFirstProgramTest {
    private static final String FENCE = "```";

    @TempDir
    Path dir;

    /** The lines of the README block whose opening fence is {@code fence}, which must occur once. */
    static List<String> block(List<String> readme, String fence) {
        int start = readme.indexOf(fence);
        assertTrue(start >= 0 && readme.lastIndexOf(fence) == start, "README.md needs one block opened by " + fence);
        int end = readme.subList(start + 1, readme.size()).indexOf(FENCE);
        assertTrue(end >= 0, "README.md: the block opened by " + fence + " is never closed");
        return readme.subList(start + 1, start + 1 + end);
    }

    @Test
    void theFirstProgramBuildsAndRunsAsWritten() throws IOException, InterruptedException {
        String repository = System.getProperty("convcl.localRepository");
        assumeTrue(repository != null && Files.isDirectory(Path.of(repository, "org", "convcl", "convcl-host")),
                "convcl-host is not installed in the local repository (run mvn install)");
        var readme = Files.readAllLines(Path.of(System.getProperty("convcl.readme")), StandardCharsets.UTF_8);
        Files.write(dir.resolve("pom.xml"), block(readme, FENCE + "xml pom.xml"));
        Path sources = Files.createDirectories(dir.resolve("src/main/java"));
        Files.write(sources.resolve("Hello.java"), block(readme, FENCE + "java Hello.java"));
        var commands = new ArrayList<String>();
        commands.add("set -e");
        for (String line : block(readme, FENCE + "sh first-program")) {
            // Offline and on this build's repository: the README's commands otherwise run as written.
            commands.add(line.replaceFirst("^mvn ", "mvn -B -o -Dmaven.repo.local=" + repository + " "));
        }
        var process = new ProcessBuilder("bash", "-c", String.join("\n", commands)).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the first program hangs");
        assertEquals(0, process.exitValue(), output);
        var last = output.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.matches(".+: conv2d \\+ ReLU gave \\[1, 4, 8, 8\\]"), output);
    }
}
