package org.convcl;

import java.util.Locale;
import java.util.ServiceLoader;
import org.convcl.reference.ReferenceBackend;
import org.convcl.spi.BackendProvider;

/**
 * The entry point that opens a backend by device spec: an index from {@code convcl devices}, {@code gpu},
 * {@code cpu}, {@code accelerator}, part of a device or platform name, or {@code reference} for the plain CPU
 * implementation. Without a spec, the environment variable {@value #DEVICE_ENV} is read; without that, the default
 * device is the first GPU, else accelerator, else CPU, and where there is no OpenCL device at all (or no device
 * backend on the class path) the reference, with a warning logged to {@value #LOGGER_NAME} through
 * {@link System.Logger} (by default {@code java.util.logging}, which prints warnings on stderr). Device backends
 * are found on the class path ({@code convcl-host} provides the OpenCL one). Thread-safe: it keeps no state.
 *
 * <pre>{@code
 * try (Backend backend = Backends.open(null)) {
 *     Tensor y = backend.conv2d(x, w, null, Conv2dParams.DEFAULT.withPadding(1, 1));
 * }
 * }</pre>
 */
public final class Backends {
    /** Environment variable read when no device is named. */
    public static final String DEVICE_ENV = "CONVCL_DEVICE";

    /** Where the fallback to the reference is logged, as a warning, so an application can route or silence it. */
    public static final String LOGGER_NAME = "org.convcl.backends";

    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);

    private Backends() {
    }

    /**
     * Opens the backend {@code spec} names.
     *
     * @param spec device spec, or null or blank for {@value #DEVICE_ENV} or the default device
     * @return a backend to close after use; the reference when no spec is given and no device can be had
     * @throws IllegalArgumentException when no device matches the spec
     * @throws IllegalStateException    when a device is named and no device backend is on the class path
     * @throws RuntimeException         from the device backend when a device is named and cannot be opened, such as
     *                                  the OpenCL backend's {@code ConvclException} when no OpenCL driver is installed
     */
    public static Backend open(String spec) {
        String s = effectiveSpec(spec);
        if (s.equals("reference")) {
            return new ReferenceBackend();
        }
        var provider = ServiceLoader.load(BackendProvider.class).findFirst();
        if (s.isEmpty()) {
            // The default runs everywhere: a program written on a GPU machine still runs, slowly, where there is none.
            String missing = provider.isEmpty() ? "no device backend is on the class path (add org.convcl:convcl-host)"
                    : provider.get().missingDevice();
            if (missing != null) {
                LOG.log(System.Logger.Level.WARNING, missing + "; using the reference backend (plain Java loops)");
                return new ReferenceBackend();
            }
        }
        return provider.orElseThrow(() -> new IllegalStateException("device: '" + s + "' needs a device backend"
                + " and none is on the class path (add org.convcl:convcl-host), or use 'reference'")).open(s);
    }

    /**
     * The spec in force: {@code spec}, else {@value #DEVICE_ENV}, else empty for the default; trimmed, lower case.
     *
     * @param spec device spec as given, or null
     * @return the spec to use, never null; empty for the default device
     */
    public static String effectiveSpec(String spec) {
        String s = spec == null || spec.isBlank() ? System.getenv(DEVICE_ENV) : spec;
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }
}
