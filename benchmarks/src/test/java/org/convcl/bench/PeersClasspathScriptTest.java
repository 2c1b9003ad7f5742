package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/peers-classpath, which ./convcl runs for {@code bench --peers}, in a scratch checkout with a stand-in for
 * Maven: nothing is fetched.
 */
class PeersClasspathScriptTest {
    @TempDir
    Path root;
    private Path bin;

    @BeforeEach
    void scratchCheckout() throws IOException {
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(Path.of("..", "scripts", "peers-classpath"), root.resolve("scripts/peers-classpath"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(root.resolve("benchmarks/peers"));
        Files.writeString(root.resolve("benchmarks/peers/pom.xml"), "<project/>");
        bin = Files.createDirectories(root.resolve("bin"));
    }

    /** Puts an executable {@code mvn} with this shell body first on the PATH. */
    private void fakeMaven(String body) throws IOException {
        var mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"$@\" >> \"" + root.resolve("mvn-calls") + "\"\n" + body + "\n");
        assertTrue(mvn.toFile().setExecutable(true));
    }

    private record Result(int status, String stdout) {
    }

    private Result runScript() throws IOException, InterruptedException {
        var process = new ProcessBuilder(root.resolve("scripts/peers-classpath").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        process.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        var p = process.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), stdout);
    }

    @Test
    void whenMavenCannotFetchThePeersItSaysWhyInOneLineAndGivesNoClasspath() throws Exception {
        fakeMaven("echo 'Could not transfer artifact ai.djl:api'; exit 1");
        var r = runScript();
        assertEquals(1, r.status());
        assertEquals(1, r.stdout().lines().count(), r.stdout());
        assertTrue(r.stdout().startsWith("DJL-PyTorch and ND4J could not be built or fetched (offline?); Maven's log: "),
                r.stdout());
        var log = root.resolve("benchmarks/peers/target/peers-build.log");
        assertTrue(Files.readString(log).contains("Could not transfer"));
        assertFalse(Files.exists(root.resolve("benchmarks/peers/target/peers-build.stamp")), "the next run tries again");
    }

    @Test
    void itBuildsThePeersProfileOnceAndThenPrintsTheirClasspath() throws Exception {
        fakeMaven("mkdir -p benchmarks/peers/target && echo /m2/djl.jar:/m2/nd4j.jar > benchmarks/peers/target/classpath.txt");
        var first = runScript();
        var second = runScript();
        String expected = root.toRealPath().resolve("benchmarks/peers/target/classes") + ":/m2/djl.jar:/m2/nd4j.jar\n";
        assertEquals(new Result(0, expected), first);
        assertEquals(new Result(0, expected), second);
        assertEquals(List.of("-B -q -Ppeers -pl benchmarks/peers -am -DskipTests package"),
                Files.readAllLines(root.resolve("mvn-calls")), "built once, with the peers profile");
    }
}
