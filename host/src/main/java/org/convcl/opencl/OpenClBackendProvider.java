package org.convcl.opencl;

import org.convcl.Backend;
import org.convcl.spi.BackendProvider;

/** Makes {@link org.convcl.Backends#open} open an {@link OpenClBackend} on the device a spec names. */
public final class OpenClBackendProvider implements BackendProvider {
    @Override
    public Backend open(String deviceSpec) {
        return OpenClBackend.open(Devices.choose(deviceSpec));
    }
}
