package org.convcl.opencl;

import org.convcl.Backend;
import org.convcl.opencl.runtime.Cl;
import org.convcl.opencl.device.ConvclException;
import org.convcl.spi.BackendProvider;

/**
 * Makes {@link org.convcl.Backends#open} open an {@link OpenClBackend} on the device a spec names.
 * <p>Thread-safe: it keeps no state.
 */
public final class OpenClBackendProvider implements BackendProvider {
    /** Made by {@link java.util.ServiceLoader}. */
    public OpenClBackendProvider() {
    }

    @Override
    public Backend open(String deviceSpec) {
        var devices = Devices.chooseAll(deviceSpec);
        return devices.size() == 1 ? OpenClBackend.open(devices.get(0)) : MultiDeviceBackend.open(devices);
    }

    @Override
    public String missingDevice() {
        try {
            return Devices.list().isEmpty() ? "no OpenCL device was found; " + Cl.noDeviceHint() : null;
        } catch (ConvclException e) {
            return e.getMessage();
        }
    }
}
