package org.convcl.opencl;

/** Device descriptions without an OpenCL device behind them, for code that only plans or derives defaults. */
public final class FakeDevices {
    private static final long GIB = 1L << 30;

    private FakeDevices() {
    }

    /** A CPU whose SIMD registers hold {@code floatVectorWidth} floats: 8 for AVX2, 16 for AVX-512. */
    public static DeviceInfo cpu(int floatVectorWidth) {
        return device("cpu", floatVectorWidth);
    }

    public static DeviceInfo gpu() {
        return device("gpu", 1);
    }

    private static DeviceInfo device(String type, int floatVectorWidth) {
        return new DeviceInfo(0, null, null, "test platform", "test " + type, "test vendor", type, "OpenCL 3.0", "1.0",
                8, 8 * GIB, 2 * GIB, 64 << 10, 1024, new long[] {1024, 1024, 1024}, 4096, floatVectorWidth, 32 << 20);
    }
}
