package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.convcl.Backends;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link OclgrindProbe} under Oclgrind with data-race, uninitialised-memory and API checks. POCL hides
 * out-of-bounds accesses and missing barriers; Oclgrind reports them in its log, and exits 0 either way, so the
 * test reads the log. Skipped where Oclgrind is not installed, unless {@code CONVCL_REQUIRE_OCLGRIND} is set (CI).
 */
@Tag("slow") // the Oclgrind simulator: left out of run-tests --quick
class OclgrindTest {
    private static final Path ICD = Path.of("/usr/lib/oclgrind/liboclgrind-rt-icd.so");
    private static final int PARTS = 2;

    @Test
    void kernelsRunCleanUnderOclgrind(@TempDir Path dir) throws IOException, InterruptedException {
        boolean required = System.getenv("CONVCL_REQUIRE_OCLGRIND") != null;
        assumeTrue(required || Files.exists(ICD), "Oclgrind is not installed (apt-get install oclgrind)");
        assertTrue(Files.exists(ICD), ICD + " is missing: install Debian's oclgrind package");

        // Two processes side by side, each with every other check: Oclgrind simulates a launch's work-groups on
        // several threads, but between launches one process is single-threaded (building, the reference, checks).
        var processes = new ArrayList<Process>();
        for (int part = 0; part < PARTS; part++) {
            var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            var pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    OclgrindProbe.class.getName(), Integer.toString(part), Integer.toString(PARTS))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("probe" + part + ".out").toFile());
            var env = pb.environment();
            env.put("OCL_ICD_VENDORS", ICD.toString());
            env.put("OCLGRIND_DATA_RACES", "1");
            env.put("OCLGRIND_UNINITIALIZED", "1");
            env.put("OCLGRIND_CHECK_API", "1");
            // NVIDIA's limits, so the GPU paths run as they would there: work-groups of 1024, 48 KiB of local memory.
            env.put("OCLGRIND_MAX_WGSIZE", "1024");
            env.put("OCLGRIND_LOCAL_MEM_SIZE", "49152");
            env.put("OCLGRIND_LOG", dir.resolve("oclgrind" + part + ".log").toString());
            // The uninitialised-memory plugin cannot interpret the 'freeze' instructions LLVM's optimiser emits.
            env.put("OCLGRIND_BUILD_OPTIONS", "-cl-opt-disable");
            env.remove(Backends.DEVICE_ENV);
            processes.add(pb.start());
        }
        long okLines = 0;
        try {
            for (int part = 0; part < PARTS; part++) {
                var process = processes.get(part);
                assertTrue(process.waitFor(15, TimeUnit.MINUTES), "the Oclgrind probe did not finish in 15 minutes");
                String out = Files.readString(dir.resolve("probe" + part + ".out"), StandardCharsets.UTF_8);
                assertEquals(0, process.exitValue(), "probe part " + part + " failed:\n" + out);
                assertTrue(out.contains("device: Oclgrind"), "the probe did not run on Oclgrind:\n" + out);
                okLines += out.lines().filter(l -> l.startsWith("ok ")).count();
                Path log = dir.resolve("oclgrind" + part + ".log");
                String report = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).strip() : "";
                assertEquals("", report, "Oclgrind reported problems:\n" + report);
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        assertEquals(OclgrindProbe.OK_LINES, okLines, "lines starting \"ok \" of all parts");
    }
}
