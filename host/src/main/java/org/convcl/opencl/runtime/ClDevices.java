package org.convcl.opencl.runtime;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_CACHE_SIZE;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_PARAMETER_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_ITEM_SIZES;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.device.PoclCpuTarget;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Every device of every OpenCL platform, enumerated once per process, and the JOCL handle behind each
 * {@link DeviceInfo}: the handles stay in the runtime, out of the public API.
 */
public final class ClDevices {
    /** One device: its handle and what it reports. */
    private record Found(cl_device_id handle, DeviceInfo info) {
    }

    private static List<Found> found;

    private ClDevices() {
    }

    /**
     * The devices in platform order, indexed as {@code convcl devices} shows them; empty when no driver is installed.
     *
     * @throws ConvclException when the OpenCL library ({@code libOpenCL.so.1}) is missing, naming what to install
     */
    public static List<DeviceInfo> list() {
        return found().stream().map(Found::info).toList();
    }

    /**
     * The handle of a listed device, for the runtime and for peers that open their own context on it.
     *
     * @throws IllegalArgumentException when {@code device} is not at its index in {@link #list()}, such as a
     *                                  description made up for planning
     */
    public static cl_device_id handleOf(DeviceInfo device) {
        var all = found();
        if (device.index() >= 0 && device.index() < all.size() && sameDevice(all.get(device.index()).info(), device)) {
            return all.get(device.index()).handle();
        }
        throw new IllegalArgumentException("device: '" + device.name() + "' is not an OpenCL device of this machine"
                + " (see 'convcl devices')");
    }

    /**
     * The same device and driver; its limits may differ, as tests and the tuner describe a real device with other
     * limits to see what plans and configurations they lead to.
     */
    private static boolean sameDevice(DeviceInfo a, DeviceInfo b) {
        return a.platformName().equals(b.platformName()) && a.name().equals(b.name())
                && a.driverVersion().equals(b.driverVersion());
    }

    private static synchronized List<Found> found() {
        if (found == null) {
            found = enumerate();
        }
        return found;
    }

    private static List<Found> enumerate() {
        Cl.init();
        int[] count = new int[1];
        try {
            clGetPlatformIDs(0, null, count);
        } catch (CLException e) {
            // The ICD loader reports CL_PLATFORM_NOT_FOUND_KHR when no driver is registered.
            return List.of();
        } catch (UnsatisfiedLinkError e) {
            throw new ConvclException("the OpenCL library (libOpenCL.so.1) is missing; " + Cl.INSTALL_HINT);
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        Cl.run("clGetPlatformIDs", () -> clGetPlatformIDs(platforms.length, platforms, null));
        List<Found> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            int[] n = new int[1];
            try {
                clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
            } catch (CLException e) {
                continue; // a platform with no devices (CL_DEVICE_NOT_FOUND)
            }
            cl_device_id[] ids = new cl_device_id[n[0]];
            Cl.run("clGetDeviceIDs", () -> clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null));
            for (cl_device_id id : ids) {
                devices.add(new Found(id, query(devices.size(), platform, id)));
            }
        }
        return List.copyOf(devices);
    }

    private static DeviceInfo query(int index, cl_platform_id platform, cl_device_id device) {
        long typeBits = longInfo(device, CL_DEVICE_TYPE);
        String type = (typeBits & CL_DEVICE_TYPE_GPU) != 0 ? "gpu"
                : (typeBits & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator"
                : (typeBits & CL_DEVICE_TYPE_CPU) != 0 ? "cpu" : "other";
        long[] itemSizes = new long[3];
        Cl.run("clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)", () -> clGetDeviceInfo(device,
                CL_DEVICE_MAX_WORK_ITEM_SIZES, (long) Sizeof.size_t * 3, Pointer.to(itemSizes), null));
        String name = stringInfo(device, CL_DEVICE_NAME);
        int floatWidth = PoclCpuTarget.floatWidth(type, name,
                (int) intInfo(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT));
        return new DeviceInfo(index, platformName(platform), name,
                stringInfo(device, CL_DEVICE_VENDOR), type, stringInfo(device, CL_DEVICE_VERSION),
                stringInfo(device, CL_DRIVER_VERSION), (int) intInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                longInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE), longInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                longInfo(device, CL_DEVICE_LOCAL_MEM_SIZE), sizeInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE), itemSizes,
                sizeInfo(device, CL_DEVICE_MAX_PARAMETER_SIZE), floatWidth,
                longInfo(device, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE));
    }

    private static String platformName(cl_platform_id platform) {
        long[] size = new long[1];
        Cl.run("clGetPlatformInfo", () -> clGetPlatformInfo(platform, CL_PLATFORM_NAME, 0, null, size));
        byte[] bytes = new byte[(int) size[0]];
        Cl.run("clGetPlatformInfo", () -> clGetPlatformInfo(platform, CL_PLATFORM_NAME, bytes.length,
                Pointer.to(bytes), null));
        return cString(bytes);
    }

    private static String stringInfo(cl_device_id device, int param) {
        long[] size = new long[1];
        Cl.run("clGetDeviceInfo", () -> clGetDeviceInfo(device, param, 0, null, size));
        byte[] bytes = new byte[(int) size[0]];
        Cl.run("clGetDeviceInfo", () -> clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null));
        return cString(bytes);
    }

    private static long longInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        Cl.run("clGetDeviceInfo", () -> clGetDeviceInfo(device, param, Sizeof.cl_long, Pointer.to(value), null));
        return value[0];
    }

    private static long intInfo(cl_device_id device, int param) {
        int[] value = new int[1];
        Cl.run("clGetDeviceInfo", () -> clGetDeviceInfo(device, param, Sizeof.cl_int, Pointer.to(value), null));
        return value[0];
    }

    private static long sizeInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        Cl.run("clGetDeviceInfo", () -> clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null));
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
    }
}
