package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.Devices;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of README.md compiles and runs as written: its imports stay imports, the rest becomes
 * the body of a {@code main} method, compiled with javax.tools against the test class path and run in its own JVM
 * in an empty directory. Blocks that do not use the OpenCL backend directly also run where no OpenCL device exists,
 * as the README promises.
 */
@Tag("slow") // compiles and runs each README block in a JVM of its own: left out of run-tests --quick
class ReadmeTest {
    private static final String FENCE = "```";
    private static final long TIMEOUT_SECONDS = 300;

    @TempDir
    Path dir;

    /** One Java block: the line of its opening fence in README.md, its imports and its statements. */
    record Block(int line, List<String> imports, List<String> body) {
        String className() {
            return "ReadmeLine" + line;
        }

        String source() {
            return String.join("\n", imports) + "\n\npublic class " + className() + " {\n"
                    + "    public static void main(String[] args) throws Exception {\n"
                    + String.join("\n", body) + "\n    }\n}\n";
        }

        /** Device tensors need an OpenCL device; everything else runs without one. */
        boolean needsOpenCl() {
            return imports.stream().anyMatch(i -> i.startsWith("import org.convcl.opencl."));
        }
    }

    static Path readme() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isRegularFile(d.resolve("pom.xml"))
                    && Files.isDirectory(d.resolve("host"))) {
                return d.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
    }

    static List<Block> javaBlocks(List<String> lines) {
        var blocks = new ArrayList<Block>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals(FENCE + "java")) {
                continue;
            }
            int start = i + 1;
            var imports = new ArrayList<String>();
            var body = new ArrayList<String>();
            for (i++; i < lines.size() && !lines.get(i).strip().equals(FENCE); i++) {
                String line = lines.get(i);
                (line.startsWith("import ") ? imports : body).add(line);
            }
            if (i == lines.size()) {
                throw new IllegalStateException("README.md line " + start + ": the java block is never closed");
            }
            blocks.add(new Block(start, imports, body));
        }
        return blocks;
    }

    @Test
    void theReadmeHasJavaBlocksAndTheExtractorFindsThem() throws IOException {
        var blocks = javaBlocks(Files.readAllLines(readme()));
        assertTrue(blocks.size() >= 2, "README.md has " + blocks.size() + " java blocks");
        var sample = javaBlocks(List.of("text", FENCE + "java", "import a.B;", "int x = 1;", FENCE, FENCE + "sh",
                "ls", FENCE));
        assertEquals(List.of(new Block(2, List.of("import a.B;"), List.of("int x = 1;"))), sample);
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompilesAndRuns() throws IOException {
        return javaBlocks(Files.readAllLines(readme())).stream().map(block ->
                DynamicTest.dynamicTest("README.md line " + block.line(), () -> {
                    Path classes = compile(block);
                    var withoutOpenCl = run(block, classes, "no-opencl", true);
                    if (block.needsOpenCl()) {
                        // As the README says: device tensors without a device fail with what to install.
                        assertTrue(withoutOpenCl.exit() != 0 && withoutOpenCl.output().contains("ConvclException")
                                && withoutOpenCl.output().contains("pocl-opencl-icd"), withoutOpenCl.output());
                        assumeTrue(openClAvailable(), "no OpenCL device on this machine");
                    } else {
                        assertSucceeded(block, withoutOpenCl, " without OpenCL");
                        assertTrue(withoutOpenCl.output().contains("using the reference backend"), "README.md line "
                                + block.line() + ": without OpenCL the default should be the reference; output:\n"
                                + withoutOpenCl.output());
                    }
                    assertSucceeded(block, run(block, classes, "default", false), "");
                }));
    }

    private Path compile(Block block) throws IOException {
        Path src = Files.createDirectories(dir.resolve(block.className() + "/src"));
        Path classes = Files.createDirectories(dir.resolve(block.className() + "/classes"));
        Path file = Files.writeString(src.resolve(block.className() + ".java"), block.source());
        var compiler = ToolProvider.getSystemJavaCompiler();
        var messages = new StringWriter();
        var files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        boolean ok = compiler.getTask(messages, files, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(), "-Xlint:none"),
                null, files.getJavaFileObjects(file)).call();
        if (!ok) {
            fail("README.md line " + block.line() + ": the java block does not compile:\n" + messages
                    + "\nas wrapped:\n" + block.source());
        }
        return classes;
    }

    /**
     * Runs the block in a fresh JVM in its own empty directory; without OpenCL means an ICD loader that finds no
     * driver, as on a machine where none is installed.
     */
    private Run run(Block block, Path classes, String name, boolean withoutOpenCl) throws Exception {
        Path work = Files.createDirectories(dir.resolve(block.className() + "/" + name));
        var command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), block.className())
                .directory(work.toFile()).redirectErrorStream(true);
        command.environment().remove(Backends.DEVICE_ENV);
        if (withoutOpenCl) {
            command.environment().put("OCL_ICD_VENDORS", Files.createDirectories(work.resolve("no-vendors")).toString());
            command.environment().put("OCL_ICD_FILENAMES", "");
        }
        var process = command.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "README.md line " + block.line() + ": hangs");
        return new Run(process.exitValue(), output);
    }

    /** A finished run of a block: its exit status and everything it printed. */
    record Run(int exit, String output) {
    }

    private static void assertSucceeded(Block block, Run run, String how) {
        if (run.exit() != 0 || run.output().contains("Exception")) {
            fail("README.md line " + block.line() + ": the java block throws" + how + ":\n" + run.output());
        }
    }

    private static boolean openClAvailable() {
        try {
            return !Devices.list().isEmpty();
        } catch (ConvclException e) {
            return false;
        }
    }
}
