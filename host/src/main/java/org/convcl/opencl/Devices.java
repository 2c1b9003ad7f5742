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
 * accelerator, else the first CPU device.
 */
public final class Devices {
    /** Any index of more digits is past every list of devices, and may be past int's range. */
    private static final int MAX_INDEX_DIGITS = 9;

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
            throw new ConvclException("no OpenCL platform with a device was found; " + Cl.noDeviceHint()
                    + " (or use --device reference for the plain CPU implementation)");
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
        if (s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Compared as text first, so that an index past int's range is refused like any other past the list.
            String digits = s.replaceFirst("^0+(?=.)", "");
            if (digits.length() > MAX_INDEX_DIGITS || Integer.parseInt(digits) >= devices.size()) {
                throw new IllegalArgumentException("device: index " + s + " but only " + devices.size()
                        + " OpenCL device(s) exist (see 'convcl devices')");
            }
            return devices.get(Integer.parseInt(digits));
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
