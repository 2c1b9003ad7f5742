package org.convcl.spi;

import org.convcl.Backend;

/**
 * A device backend that {@link org.convcl.Backends#open} finds through {@link java.util.ServiceLoader}; implementations
 * are listed in {@code META-INF/services/org.convcl.spi.BackendProvider}.
 */
public interface BackendProvider {
    /**
     * @param deviceSpec a device spec other than {@code reference}, trimmed and in lower case; empty for the default
     */
    Backend open(String deviceSpec);
}
