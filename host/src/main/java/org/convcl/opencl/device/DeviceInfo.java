package org.convcl.opencl.device;

/**
 * One OpenCL device and the properties ConvCL plans with and derives kernel defaults from: plain values, no OpenCL
 * handles (the runtime finds the device again by its index). Sizes are in bytes. Thread-safe: its values are
 * fixed when it is made (do not change the work-item sizes array it returns).
 *
 * @param index                     position in the list {@code convcl devices} prints
 * @param preferredFloatVectorWidth CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT: on CPUs, the SIMD width in floats (for POCL,
 *                                  that of the CPU it compiles for: {@link PoclCpuTarget})
 * @param globalCacheBytes          CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, 0 where the device has no such cache
 */
public record DeviceInfo(int index, String platformName, String name,
                         String vendor, String type, String version, String driverVersion, int computeUnits,
                         long globalMemBytes, long maxAllocBytes, long localMemBytes, long maxWorkGroupSize,
                         long[] maxWorkItemSizes, long maxParameterBytes, int preferredFloatVectorWidth,
                         long globalCacheBytes) {
    /**
     * Vector registers of a CPU by its SIMD width in floats: 32 with AVX-512's 16 floats, 16 with AVX's 8 and with
     * SSE's or NEON's 4 (x86-64 and ARMv7's quad registers; AArch64 has 32, which this leaves unused).
     */
    public static final int WIDE_REGISTERS = 32;
    private static final int REGISTERS = 16;

    /**
     * The vector registers of this device, taken as a CPU.
     *
     * @return 32 or 16, as {@link #WIDE_REGISTERS} says
     */
    public int vectorRegisters() {
        return preferredFloatVectorWidth >= 16 ? WIDE_REGISTERS : REGISTERS;
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

    /**
     * The line {@code convcl devices} prints, so that printing a device shows what it is.
     *
     * @return {@link #describe()}
     */
    @Override
    public String toString() {
        return describe();
    }
}
