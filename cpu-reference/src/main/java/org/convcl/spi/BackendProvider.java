package org.convcl.spi;

import org.convcl.Backend;

/**
 * A device backend that {@link org.convcl.Backends#open} finds through {@link java.util.ServiceLoader}; implementations
 * are listed in {@code META-INF/services/org.convcl.spi.BackendProvider}.
 * <p>Implementations must be thread-safe: the service loader's instance may be called from any thread.
 */
public interface BackendProvider {
    /**
     * Opens a backend on the device a spec names.
     *
     * @param deviceSpec a device spec other than {@code reference}, trimmed and in lower case; empty for the default
     * @return a backend to close after use
     * @throws IllegalArgumentException when no device matches the spec
     */
    Backend open(String deviceSpec);

    /**
     * Says why the default device cannot be opened, so that {@link org.convcl.Backends#open} falls back to the
     * reference instead of failing.
     *
     * @return null when there is a device to open, otherwise why not and what to install, in a few words
     */
    String missingDevice();
}
