package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The test JVMs run with the JDK's signal chaining preloaded where the JDK has it (the parent pom's signal-chaining
 * profile), as {@code ./convcl} runs the command line: without it, the fault handlers POCL has LLVM install take the
 * JVM's SIGSEGV, and CloseTest's threads racing {@code close()} killed its JVM about one run in six.
 */
class SignalChainingTest {
    @Test
    void testJvmsPreloadLibjsigWhereTheJdkHasIt() throws IOException {
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        assumeTrue(Files.isRegularFile(jsig) && Files.isReadable(Path.of("/proc/self/maps")), "no libjsig here");
        assertTrue(Files.readString(Path.of("/proc/self/maps")).contains(jsig.getFileName().toString()),
                "libjsig is not mapped: LD_PRELOAD=" + System.getenv("LD_PRELOAD"));
    }
}
