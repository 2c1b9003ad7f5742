package org.convcl.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The page faults of this process so far, minor and major, from Linux's {@code /proc/self/stat}. A library that maps
 * fresh memory for each output faults it in on every call, which a benchmark of kernels should show apart from them.
 */
final class PageFaults {
    private static final Path STAT = Path.of("/proc/self/stat");
    /** Fields after the command name, which ends with the line's last ')': minflt is the 8th, majflt the 10th. */
    private static final int MINOR = 7, MAJOR = 9;

    private PageFaults() {
    }

    /** Faults so far, or -1 where the system does not say (not Linux). */
    static long count() {
        try {
            String stat = Files.readString(STAT, StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[MINOR]) + Long.parseLong(fields[MAJOR]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
