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
 * accelerator, else the first CPU device. {@link #chooseAll} also takes specs naming several devices.
 * Thread-safe: the device list is found once per process.
 */
public final class Devices {
    /**
     * The way to the reference a library message offers where there is no OpenCL device; the command line gives its
     * flag instead.
     */
    public static final String REFERENCE_HINT = "Backends.open(\"reference\") for the plain CPU implementation";
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
            throw new ConvclException("no OpenCL platform with a device was found; " + Cl.noDeviceHint() + "; or "
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

    /**
     * The devices a spec names, for a backend over several ({@link MultiDeviceBackend}): {@code all} for every
     * device; a comma-separated list of specs, each as {@link #choose}; a spec ending in {@code *} for every device of
     * that type ({@code gpu*}) or whose device or platform name contains the rest ({@code pthread*}); else the one
     * device {@link #choose} takes.
     *
     * @param spec device spec, or null for {@code CONVCL_DEVICE} or the default device
     * @return the devices, in the order named (by index for {@code all} and {@code *}), each once
     * @throws IllegalArgumentException when a part matches no device, or a device is named twice
     * @throws ConvclException          when there is no OpenCL device at all
     */
    public static List<DeviceInfo> chooseAll(String spec) {
        String s = Backends.effectiveSpec(spec);
        List<DeviceInfo> chosen = new java.util.ArrayList<>();
        for (String part : s.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty() && s.contains(",")) {
                throw new IllegalArgumentException("device: an empty entry in the list '" + s + "'");
            }
            for (DeviceInfo d : matching(p)) {
                if (chosen.stream().anyMatch(c -> c.index() == d.index())) {
                    throw new IllegalArgumentException("device: " + d.index() + " (" + d.name() + ") is named twice in '"
                            + s + "'");
                }
                chosen.add(d);
            }
        }
        return chosen;
    }

    private static List<DeviceInfo> matching(String part) {
        if (!part.equals("all") && !part.endsWith("*")) {
            return List.of(choose(part.isEmpty() ? null : part));
        }
        String pattern = part.equals("all") ? "" : part.substring(0, part.length() - 1);
        var devices = list().stream().filter(d -> d.type().equals(pattern)
                || d.name().toLowerCase(Locale.ROOT).contains(pattern)
                || d.platformName().toLowerCase(Locale.ROOT).contains(pattern)).toList();
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("device: no OpenCL device matches '" + part + "' (see 'convcl devices')");
        }
        return devices;
    }

}
