package org.convcl.opencl;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For tests that write the per-user caches: the tuning cache, and the find database beside it, point into a
 * temporary directory for each test, so no test sees what another or a developer stored.
 */
abstract class TemporaryCaches {
    private static final String PROPERTY = "convcl.tuning.cache";
    @TempDir
    Path dir;
    private String saved;

    @BeforeEach
    void pointTheCachesAtATemporaryDirectory() {
        saved = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, tuningCache().toString());
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, saved);
        }
    }

    Path tuningCache() {
        return dir.resolve("tuning.properties");
    }
}
