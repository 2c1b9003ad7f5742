package org.convcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.convcl.Backends;
import org.convcl.Tensor;
import org.convcl.opencl.ForkedJvm;
import org.convcl.opencl.NoDeviceProbe;
import org.junit.jupiter.api.Test;

/**
 * A machine without an OpenCL driver, as an ICD loader that finds none: the library's messages speak its own words
 * and the command line's its flags (issue 24, stumble 7), and the fallback to the reference, a log record in the
 * library, is the command line's own one line (stumble 8).
 */
class WithoutOpenClTest extends CliFixture {
    private Map<String, String> noDriver() throws Exception {
        return Map.of("OCL_ICD_VENDORS", Files.createDirectories(dir.resolve("no-vendors")).toString(),
                "OCL_ICD_FILENAMES", "");
    }

    @Test
    void theLibraryOffersTheReferenceInItsOwnWords() throws Exception {
        var r = ForkedJvm.run(noDriver(), NoDeviceProbe.class);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("no OpenCL platform with a device was found; install an OpenCL driver"), r.out());
        assertTrue(r.out().contains("Backends.open(\"reference\") for the plain CPU implementation"), r.out());
        assertFalse(r.out().contains("--device"), r.out());
    }

    @Test
    void theCommandLineOffersItsFlag() throws Exception {
        written("x.npy", Tensor.zeros(1, 1, 3, 3));
        var r = ForkedJvm.run(noDriver(), Main.class, "conv2d", "--input", path("x.npy"), "--weight", path("x.npy"),
                "--output", path("y.npy"), "--device", "cpu");
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("convcl: no OpenCL platform with a device was found"), r.err());
        assertTrue(r.err().contains("; or --device reference for the plain CPU implementation"), r.err());
        assertFalse(r.err().contains("Backends.open"), r.err());
    }

    @Test
    void theFallbackToTheReferenceIsOneLineOfTheCommandLine() throws Exception {
        assumeTrue(System.getenv(Backends.DEVICE_ENV) == null, "CONVCL_DEVICE names a device");
        written("x.npy", Tensor.zeros(1, 1, 3, 3));
        var r = ForkedJvm.run(noDriver(), Main.class, "conv2d", "--input", path("x.npy"), "--weight", path("x.npy"),
                "--output", path("y.npy"));
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("convcl: no OpenCL device was found; install an OpenCL driver: on Debian or Ubuntu"
                + " 'apt-get install pocl-opencl-icd' (runs on the CPU), or your GPU vendor's OpenCL ICD; using the"
                + " reference backend (plain Java loops)"), r.err().lines().toList());
    }
}
