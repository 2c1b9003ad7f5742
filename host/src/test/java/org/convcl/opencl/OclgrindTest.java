package org.convcl.opencl;

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
import org.convcl.Backends;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link OclgrindProbe} under Oclgrind with data-race and API checks everywhere, and uninitialised-memory checks on
 * the probe's part that covers every program on the shapes where a kernel leaves memory unwritten. POCL hides
 * out-of-bounds accesses and missing barriers; Oclgrind reports them in its log, and exits 0 either way, so the test
 * reads the log. Skipped where Oclgrind is not installed, unless {@code CONVCL_REQUIRE_OCLGRIND} is set (CI).
 */
@Tag("slow") // the Oclgrind simulator: left out of run-tests --quick
class OclgrindTest {
    private static final Path ICD = Path.of("/usr/lib/oclgrind/liboclgrind-rt-icd.so");
    private static final String UNINITIALISED = "uninitialised";
    /** The probe's two parts, as its argument names them. */
    private static final List<String> PARTS = List.of(UNINITIALISED, "others");

    @Test
    void kernelsRunCleanUnderOclgrind(@TempDir Path dir) throws IOException, InterruptedException {
        boolean required = System.getenv("CONVCL_REQUIRE_OCLGRIND") != null;
        assumeTrue(required || Files.exists(ICD), "Oclgrind is not installed (apt-get install oclgrind)");
        assertTrue(Files.exists(ICD), ICD + " is missing: install Debian's oclgrind package");

        // Two processes side by side, both with the race and API checks: one runs the probe's checks that also go
        // under the uninitialised-memory plugin, the costly one, the other the rest (OclgrindProbe.Check).
        var processes = new ArrayList<Process>();
        for (String part : PARTS) {
            var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            var pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    OclgrindProbe.class.getName(), part)
                    .redirectErrorStream(true).redirectOutput(dir.resolve(part + ".out").toFile());
            var env = pb.environment();
            env.put("OCL_ICD_VENDORS", ICD.toString());
            env.put("OCLGRIND_DATA_RACES", "1");
            env.put("OCLGRIND_CHECK_API", "1");
            if (part.equals(UNINITIALISED)) {
                env.put("OCLGRIND_UNINITIALIZED", "1");
            }
            // Every access as the source makes it: the uninitialised-memory plugin also cannot interpret the 'freeze'
            // instructions LLVM's optimiser emits.
            env.put("OCLGRIND_BUILD_OPTIONS", "-cl-opt-disable");
            // NVIDIA's limits, so the GPU paths run as they would there: work-groups of 1024, 48 KiB of local memory.
            env.put("OCLGRIND_MAX_WGSIZE", "1024");
            env.put("OCLGRIND_LOCAL_MEM_SIZE", "49152");
            env.put("OCLGRIND_LOG", dir.resolve(part + ".log").toString());
            env.remove(Backends.DEVICE_ENV);
            processes.add(pb.start());
        }
        long okLines = 0;
        try {
            for (int i = 0; i < PARTS.size(); i++) {
                String part = PARTS.get(i);
                var process = processes.get(i);
                assertTrue(process.waitFor(15, TimeUnit.MINUTES), "the Oclgrind probe did not finish in 15 minutes");
                String out = Files.readString(dir.resolve(part + ".out"), StandardCharsets.UTF_8);
                assertEquals(0, process.exitValue(), "probe part " + part + " failed:\n" + out);
                assertTrue(out.contains("device: Oclgrind"), "the probe did not run on Oclgrind:\n" + out);
                okLines += out.lines().filter(l -> l.startsWith("ok ")).count();
                Path log = dir.resolve(part + ".log");
                String report = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).strip() : "";
                assertEquals("", report, "Oclgrind reported problems:\n" + report);
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        assertEquals(OclgrindProbe.OK_LINES, okLines, "lines starting \"ok \" of all parts");
    }
}
