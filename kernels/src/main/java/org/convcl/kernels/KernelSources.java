package org.convcl.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Loads the OpenCL C sources of this module from the classpath ({@code org/convcl/kernels/NAME.cl}).
 * <p>Thread-safe: it keeps no state.
 */
public final class KernelSources {
    private KernelSources() {
    }

    /**
     * @param name file name without the {@code .cl} suffix, for example {@code "sgemm"}
     * @return the source text
     * @throws IllegalArgumentException when no such kernel file exists
     */
    public static String load(String name) {
        String path = name + ".cl";
        try (InputStream in = KernelSources.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("name: no kernel source org/convcl/kernels/" + path + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + path, e);
        }
    }
}
