package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;
import org.convcl.opencl.BuildWithWarning;
import org.convcl.opencl.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenCL compiler's diagnostics ("17 warnings generated.") stay off the user's terminal. POCL's compiler writes
 * them to the process's native stderr, which System.err does not see, so each case runs in a process of its own,
 * with POCL's kernel cache off so that every program is compiled.
 */
class CompilerChatterTest {
    private static final Map<String, String> COMPILE_EVERYTHING = Map.of("POCL_KERNEL_CACHE", "0");

    @TempDir
    Path dir;

    @Test
    void aBuildWithWarningsIsSilent() throws Exception {
        assumeTrue(CliTest.openClAvailable(), "no OpenCL device on this machine");
        var r = ForkedJvm.run(COMPILE_EVERYTHING, BuildWithWarning.class);
        assertEquals(0, r.status(), r.err());
        assertEquals("built\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void theDemoPrintsNoCompilerOutput() throws Exception {
        assumeTrue(CliTest.openClAvailable(), "no OpenCL device on this machine");
        var r = ForkedJvm.run(COMPILE_EVERYTHING, Main.class, "demo", "--png", dir.resolve("demo.png").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertFalse(r.out().contains("generated"), r.out());
    }
}
