package org.convcl.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Spark block ({@code ```java spark}) compiles against this module as written, its statements the
 * body of a method given a {@code SparkSession spark}; the job it shows is the one LocalClusterTest runs.
 */
class ReadmeSparkBlockTest {
    private static final String FENCE = "```";

    @TempDir
    Path dir;

    @Test
    void theReadmeSparkBlockCompiles() throws IOException {
        var readme = Files.readAllLines(Path.of(System.getProperty("convcl.readme")), StandardCharsets.UTF_8);
        int start = readme.indexOf(FENCE + "java spark");
        assertTrue(start >= 0, "README.md has no ```java spark block");
        var imports = new ArrayList<String>();
        var body = new ArrayList<String>();
        for (String line : readme.subList(start + 1, start + 1 + readme.subList(start + 1, readme.size())
                .indexOf(FENCE))) {
            (line.startsWith("import ") ? imports : body).add(line);
        }
        Path source = Files.writeString(dir.resolve("ReadmeSparkBlock.java"), String.join("\n", imports)
                + "\npublic class ReadmeSparkBlock {\n    static void job(org.apache.spark.sql.SparkSession spark) {\n"
                + String.join("\n", body) + "\n    }\n}\n");
        var compiler = ToolProvider.getSystemJavaCompiler();
        var messages = new StringWriter();
        var files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        boolean ok = compiler.getTask(messages, files, null, List.of("-classpath",
                        System.getProperty("java.class.path"), "-d", dir.toString(), "-proc:none"), null,
                files.getJavaFileObjects(source)).call();
        assertTrue(ok, "README.md line " + (start + 1) + ": the Spark block does not compile:\n" + messages);
    }
}
