package org.convcl.opencl;

import java.util.List;
import java.util.Locale;
import org.convcl.Backends;
import org.convcl.opencl.runtime.Cl;
import org.convcl.opencl.runtime.ClDevices;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.device.DeviceInfo;

/**
 * Device discovery and choice. A device spec is an index into {@link #list()}, {@code gpu}, {@code cpu},
 * {@code accelerator}, {@code reference} (the plain CPU implementation, no OpenCL), or a substring of the device or
 * platform name. Without a spec, {@code CONVCL_DEVICE} is read; without that, the first GPU is taken, else the first
 * accelerator, else the first CPU device. Thread-safe: the device list is found once per process.
 */
public final class Devices {
    /**
     * The way to the reference a library message offers where there is no OpenCL device; the command line gives its
     * flag instead.
     */
    public static final String REFERENCE_HINT = "Backends.open(\"reference\") for the plain CPU implementation";

    private Devices() {
    }

    /**
     * Every device of every OpenCL platform, in platform order.
     *
     * @return the devices, indexed as {@code convcl devices} shows them; empty when no driver is installed
     * @throws ConvclException when the OpenCL library ({@code libOpenCL.so.1}) is missing, naming what to install
     */
    public static List<DeviceInfo> list() {
        return ClDevices.list();
    }

    /**
     * The OpenCL device a spec names; see the class comment.
     *
     * @param spec device spec, or null for {@code CONVCL_DEVICE} or the default device
     * @return the device
     * @throws IllegalArgumentException when no device matches the spec
     * @throws ConvclException          when there is no OpenCL device at all, naming what to install
     */
    public static DeviceInfo choose(String spec) {
        String s = Backends.effectiveSpec(spec);
        List<DeviceInfo> devices = list();
        if (devices.isEmpty()) {
            throw new ConvclException("no OpenCL platform with a device was found; " + Cl.INSTALL_HINT + "; or "
                    + REFERENCE_HINT);
        }
        if (s.isEmpty()) {
            for (String type : List.of("gpu", "accelerator", "cpu")) {
                for (DeviceInfo d : devices) {
                    if (d.type().equals(type)) {
                        return d;
                    }
                }
            }
            return devices.get(0);
        }
        if (s.chars().allMatch(Character::isDigit)) {
            int index = Integer.parseInt(s);
            if (index >= devices.size()) {
                throw new IllegalArgumentException("device: index " + index + " but only " + devices.size()
                        + " OpenCL device(s) exist (see 'convcl devices')");
            }
            return devices.get(index);
        }
        for (DeviceInfo d : devices) {
            if (d.type().equals(s)) {
                return d;
            }
        }
        for (DeviceInfo d : devices) {
            if (d.name().toLowerCase(Locale.ROOT).contains(s) || d.platformName().toLowerCase(Locale.ROOT).contains(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("device: no OpenCL device matches '" + s
                + "' (an index, gpu, cpu, accelerator, reference, or part of a device name; see 'convcl devices')");
    }

}
