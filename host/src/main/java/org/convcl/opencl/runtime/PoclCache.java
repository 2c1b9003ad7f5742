package org.convcl.opencl.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * POCL's start-up need that most often goes unmet: a writable directory for its kernel cache, {@code $POCL_CACHE_DIR},
 * else {@code $XDG_CACHE_HOME/pocl}, else {@code $HOME/.cache/pocl}. Without one POCL registers no platform, and the
 * OpenCL loader reports no device at all, as if no driver were installed: a service user whose HOME is
 * {@code /nonexistent}, a read-only home directory.
 */
public final class PoclCache {
    private static final Path SYSTEM_VENDORS = Path.of("/etc/OpenCL/vendors");

    private PoclCache() {
    }

    /**
     * Why the installed POCL cannot start in this process's environment.
     *
     * @return one sentence naming the directory and the fix, or null when POCL is not installed or has a cache
     */
    public static String problem() {
        var env = System.getenv();
        String vendors = env.get("OCL_ICD_VENDORS");
        return problem(env, vendors != null && !vendors.isBlank() ? Path.of(vendors) : SYSTEM_VENDORS);
    }

    /** As {@link #problem()}, for environment {@code env} and the loader's vendors directory {@code vendors}. */
    static String problem(Map<String, String> env, Path vendors) {
        if (!registered(vendors)) {
            return null;
        }
        String variable;
        Path dir;
        if (isSet(env, "POCL_CACHE_DIR")) {
            variable = "POCL_CACHE_DIR";
            dir = Path.of(env.get(variable));
        } else if (isSet(env, "XDG_CACHE_HOME")) {
            variable = "XDG_CACHE_HOME";
            dir = Path.of(env.get(variable), "pocl");
        } else if (isSet(env, "HOME")) {
            variable = "HOME";
            dir = Path.of(env.get(variable), ".cache", "pocl");
        } else {
            // POCL then caches in the temporary directory, which is writable wherever anything runs.
            return null;
        }
        if (creatable(dir)) {
            return null;
        }
        return "POCL, the OpenCL driver installed here, cannot start: it needs a writable cache directory and " + dir
                + " (from " + variable + "=" + env.get(variable) + ") cannot be made or written; set POCL_CACHE_DIR to"
                + " a writable directory";
    }

    private static boolean isSet(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    /** Whether a vendors file of {@code vendors} (a directory, or one .icd file) names POCL's library. */
    private static boolean registered(Path vendors) {
        try (var files = Files.isDirectory(vendors) ? Files.list(vendors) : Stream.of(vendors)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".icd") && Files.isRegularFile(f))
                    .anyMatch(PoclCache::namesPocl);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean namesPocl(Path icd) {
        try {
            return Files.readString(icd).toLowerCase(Locale.ROOT).contains("pocl");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code dir} is a writable directory or its nearest existing ancestor is one, so that it can be made. */
    private static boolean creatable(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
    }
}
