package org.convcl.opencl.tuning;

import java.util.Locale;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The kinds of device whose defaults differ (SGEMM configuration, planner thresholds), told apart by
 * CL_DEVICE_TYPE and CL_DEVICE_VENDOR alone, never by a device's name: a device ConvCL has never seen still falls
 * into a class and gets that class's defaults.
 */
public enum DeviceClass {
    /** A CPU device (POCL, Intel's or AMD's CPU runtimes): caches instead of local memory, SIMD vector registers. */
    CPU,
    NVIDIA_GPU,
    AMD_GPU,
    INTEL_GPU,
    /** Any other GPU or accelerator, and simulators such as Oclgrind, which report themselves as GPUs. */
    OTHER_GPU;

    /** The class of a device. */
    public static DeviceClass of(DeviceInfo device) {
        if (device.type().equals("cpu")) {
            return CPU;
        }
        String vendor = device.vendor().toLowerCase(Locale.ROOT);
        if (vendor.contains("nvidia")) {
            return NVIDIA_GPU;
        }
        if (vendor.contains("advanced micro devices") || vendor.contains("amd")) {
            return AMD_GPU;
        }
        if (vendor.contains("intel")) {
            return INTEL_GPU;
        }
        return OTHER_GPU;
    }
}
