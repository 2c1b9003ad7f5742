package org.convcl.opencl;

import org.convcl.opencl.device.DeviceInfo;

/** Device descriptions without an OpenCL device behind them, for code that only plans or derives defaults. */
public final class FakeDevices {
    private static final long GIB = 1L << 30;

    private FakeDevices() {
    }

    /**
     * A CPU whose SIMD registers hold {@code floatVectorWidth} floats: 8 for AVX2, 16 for AVX-512; with the 512 KiB of
     * local memory POCL reports for a CPU (its local memory is ordinary memory).
     */
    public static DeviceInfo cpu(int floatVectorWidth) {
        return device("cpu", floatVectorWidth, 512 << 10);
    }

    /**
     * {@code device} as a CPU whose SIMD registers hold {@code floatVectorWidth} floats, for a planner whose plans then
     * run on {@code device} itself: the choices that follow the SIMD width, whatever this machine's is.
     */
    public static DeviceInfo asCpu(DeviceInfo d, int floatVectorWidth) {
        return new DeviceInfo(d.index(), d.platformName(), d.name(), d.vendor(), "cpu", d.version(), d.driverVersion(),
                d.computeUnits(), d.globalMemBytes(), d.maxAllocBytes(), d.localMemBytes(), d.maxWorkGroupSize(),
                d.maxWorkItemSizes(), d.maxParameterBytes(), floatVectorWidth, d.globalCacheBytes());
    }

    /** A GPU of no known vendor family, with 64 KiB of local memory. */
    public static DeviceInfo gpu() {
        return device("gpu", 1, 64 << 10);
    }

    /**
     * What NVIDIA's driver reports for an H100 SXM: 132 compute units (SMs), 48 KiB of local memory, work-groups of
     * 1024 at most 64 deep.
     */
    public static DeviceInfo nvidia() {
        return gpu("NVIDIA Corporation", "NVIDIA H100 80GB HBM3", 132, 1024, new long[] {1024, 1024, 64}, 48 << 10, 1);
    }

    /**
     * What ROCm reports for a GCN/CDNA GPU (an MI50): 60 compute units, 64 KiB of local memory, work-groups of 256,
     * float4 preferred.
     */
    public static DeviceInfo amd() {
        return gpu("Advanced Micro Devices, Inc.", "gfx906", 60, 256, new long[] {1024, 1024, 1024}, 64 << 10, 4);
    }

    /** What Intel's driver reports for a Gen9 GPU: 24 compute units, 64 KiB of local memory, work-groups of 256. */
    public static DeviceInfo intelGpu() {
        return gpu("Intel(R) Corporation", "Intel(R) UHD Graphics 630", 24, 256, new long[] {256, 256, 256}, 64 << 10,
                1);
    }

    private static DeviceInfo gpu(String vendor, String name, int computeUnits, long maxGroup, long[] maxItems,
                                  long localBytes, int floatVectorWidth) {
        return new DeviceInfo(0, "test platform", name, vendor, "gpu", "OpenCL 3.0", "1.0", computeUnits, 8 * GIB,
                2 * GIB, localBytes, maxGroup, maxItems, 4096, floatVectorWidth, 4 << 20);
    }

    private static DeviceInfo device(String type, int floatVectorWidth, long localBytes) {
        return new DeviceInfo(0, "test platform", "test " + type, "test vendor", type, "OpenCL 3.0", "1.0",
                8, 8 * GIB, 2 * GIB, localBytes, 1024, new long[] {1024, 1024, 1024}, 4096, floatVectorWidth, 32 << 20);
    }
}
