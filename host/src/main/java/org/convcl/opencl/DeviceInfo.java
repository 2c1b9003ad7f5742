package org.convcl.opencl;

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
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformInfo;

import java.nio.charset.StandardCharsets;
import org.convcl.opencl.runtime.Cl;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device and the properties ConvCL plans with and derives kernel defaults from. Sizes are in bytes.
 *
 * @param index                     position in the list {@code convcl devices} prints
 * @param preferredFloatVectorWidth CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT: on CPUs, the SIMD width in floats
 * @param globalCacheBytes          CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, 0 where the device has no such cache
 */
public record DeviceInfo(int index, cl_platform_id platform, cl_device_id device, String platformName, String name,
                         String vendor, String type, String version, String driverVersion, int computeUnits,
                         long globalMemBytes, long maxAllocBytes, long localMemBytes, long maxWorkGroupSize,
                         long[] maxWorkItemSizes, long maxParameterBytes, int preferredFloatVectorWidth,
                         long globalCacheBytes) {

    static DeviceInfo query(int index, cl_platform_id platform, cl_device_id device) {
        long typeBits = longInfo(device, CL_DEVICE_TYPE);
        String type = (typeBits & CL_DEVICE_TYPE_GPU) != 0 ? "gpu"
                : (typeBits & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator"
                : (typeBits & CL_DEVICE_TYPE_CPU) != 0 ? "cpu" : "other";
        long[] itemSizes = new long[3];
        Cl.run("clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)", () -> clGetDeviceInfo(device,
                CL_DEVICE_MAX_WORK_ITEM_SIZES, (long) Sizeof.size_t * 3, Pointer.to(itemSizes), null));
        return new DeviceInfo(index, platform, device, platformName(platform), stringInfo(device, CL_DEVICE_NAME),
                stringInfo(device, CL_DEVICE_VENDOR), type, stringInfo(device, CL_DEVICE_VERSION),
                stringInfo(device, CL_DRIVER_VERSION), (int) intInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                longInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE), longInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                longInfo(device, CL_DEVICE_LOCAL_MEM_SIZE), sizeInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE), itemSizes,
                sizeInfo(device, CL_DEVICE_MAX_PARAMETER_SIZE), (int) intInfo(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
                longInfo(device, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE));
    }

    /**
     * One line for {@code convcl devices}.
     *
     * @return index, name, type, platform, versions and the limits ConvCL uses
     */
    public String describe() {
        return String.format("%d: %s [%s] on %s, %s, driver %s; %d compute units, global %d MiB, max alloc %d MiB,"
                        + " local %d KiB, max work-group %d, float vectors of %d", index, name, type, platformName, version,
                driverVersion, computeUnits, globalMemBytes >> 20, maxAllocBytes >> 20, localMemBytes >> 10,
                maxWorkGroupSize, preferredFloatVectorWidth);
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
