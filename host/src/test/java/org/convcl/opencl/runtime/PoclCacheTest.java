package org.convcl.opencl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POCL without a writable cache directory registers no platform; the message then names that cause, not a missing
 * driver. A HOME that is a regular file reproduces it even as root, for whom /nonexistent could be made.
 */
class PoclCacheTest {
    @TempDir
    Path dir;

    private Path vendors(String icd) throws IOException {
        Path vendors = Files.createDirectories(dir.resolve("vendors"));
        Files.writeString(vendors.resolve("driver.icd"), icd + "\n");
        return vendors;
    }

    @Test
    void anUnwritableCacheDirectoryIsNamedWithItsVariable() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        var pocl = vendors("libpocl.so.2");
        assertEquals("POCL, the OpenCL driver installed here, cannot start: it needs a writable cache directory and "
                + file.resolve(".cache/pocl") + " (from HOME=" + file + ") cannot be made or written; set"
                + " POCL_CACHE_DIR to a writable directory", PoclCache.problem(Map.of("HOME", file.toString()), pocl));
        assertTrue(PoclCache.problem(Map.of("HOME", dir.toString(), "XDG_CACHE_HOME", file.toString()), pocl)
                .contains("(from XDG_CACHE_HOME=" + file + ")"));
        assertTrue(PoclCache.problem(Map.of("HOME", dir.toString(), "POCL_CACHE_DIR", file.toString()), pocl)
                .contains(file + " (from POCL_CACHE_DIR=" + file + ")"));
    }

    @Test
    void nothingIsSaidWhenPoclHasACacheOrIsNotInstalled() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        assertNull(PoclCache.problem(Map.of("HOME", dir.resolve("new/home").toString()), vendors("libpocl.so.2")));
        assertNull(PoclCache.problem(Map.of("HOME", file.toString(), "POCL_CACHE_DIR", dir.toString()),
                vendors("libpocl.so.2")));
        assertNull(PoclCache.problem(Map.of(), vendors("libpocl.so.2")), "without HOME POCL uses the temp directory");
        assertNull(PoclCache.problem(Map.of("HOME", file.toString()), vendors("libnvidia-opencl.so.1")));
    }

    @Test
    void theCommandLineNamesTheCauseInsteadOfAskingForADriverThatIsInstalled() throws Exception {
        assumeTrue(PoclCache.problem(Map.of("HOME", "/dev/null"), Path.of("/etc/OpenCL/vendors")) != null,
                "POCL is not the installed driver");
        Path file = Files.writeString(dir.resolve("a-file"), "");
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.convcl.cli.Main", "devices").redirectErrorStream(true);
        builder.environment().keySet().removeAll(java.util.List.of("XDG_CACHE_HOME", "POCL_CACHE_DIR",
                "OCL_ICD_VENDORS"));
        builder.environment().put("HOME", file.toString());
        var process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        assertTrue(out.contains("no OpenCL platform with a device was found; POCL, the OpenCL driver installed here,"
                + " cannot start: it needs a writable cache directory and " + file.resolve(".cache/pocl")), out);
    }
}
