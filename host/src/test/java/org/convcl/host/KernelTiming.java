package org.convcl.host;

import java.util.Arrays;
import java.util.List;
import org.convcl.reference.Conv2dParams;
import org.convcl.reference.Conv2dShape;
import org.convcl.reference.Tensor;

/**
 * Throwaway timing of the SGEMM and of conv2d layers on the default device: warm-up (which compiles), then the
 * median of several runs, each ended by clFinish. Not a test; run with
 * {@code java -cp <host test classpath> org.convcl.host.KernelTiming [all|sgemm|conv]}, optionally with
 * {@code -Ddirect=WPTM,VW,WPTN,LOCAL_N,LOCAL_M,KC} to time another direct SGEMM configuration.
 */
public final class KernelTiming {
    private KernelTiming() {
    }

    record Layer(String name, int n, int c, int h, int w, int k, int kh, int kw, Conv2dParams params) {
    }

    static final List<Layer> LAYERS = List.of(
            new Layer("8x64x56x56 k64 3x3 p1", 8, 64, 56, 56, 64, 3, 3, Conv2dParams.DEFAULT.withPadding(1, 1)),
            new Layer("8x128x28x28 k128 3x3 p1", 8, 128, 28, 28, 128, 3, 3, Conv2dParams.DEFAULT.withPadding(1, 1)),
            new Layer("8x256x14x14 k1024 1x1", 8, 256, 14, 14, 1024, 1, 1, Conv2dParams.DEFAULT),
            new Layer("8x3x224x224 k64 7x7 s2 p3", 8, 3, 224, 224, 64, 7, 7,
                    Conv2dParams.DEFAULT.withStride(2, 2).withPadding(3, 3)),
            new Layer("64x1x28x28 k32 5x5", 64, 1, 28, 28, 32, 5, 5, Conv2dParams.DEFAULT),
            new Layer("8x256x28x28 dw 3x3 p1", 8, 256, 28, 28, 256, 3, 3,
                    Conv2dParams.DEFAULT.withPadding(1, 1).withGroups(256)));

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        var device = Devices.choose(null);
        var options = OpenClBackend.Options.defaultsFor(device);
        String override = System.getProperty("direct");
        if (override != null) {
            int[] v = Arrays.stream(override.split(",")).mapToInt(Integer::parseInt).toArray();
            options = new OpenClBackend.Options(new SgemmConfig.Direct(v[0], v[1], v[2], v[3], v[4], v[5]),
                    options.columnBudgetBytes());
        }
        System.out.println("device: " + device.name() + ", options: " + options);
        try (var backend = OpenClBackend.open(device, options)) {
            var cl = backend.context();
            if (what.equals("all") || what.equals("sgemm")) {
                var sgemm = new Sgemm(cl, options.sgemm());
                for (int size : new int[] {256, 512, 1024, 2048}) {
                    try (var a = filled(cl, (long) size * size); var b = filled(cl, (long) size * size);
                         var c = new DeviceBuffer(cl, "c", (long) size * size)) {
                        var bo = new Sgemm.Operand(b, 0, size, 0, 0);
                        var co = new Sgemm.Operand(c, 0, size, 0, 0);
                        double s = median(() -> {
                            sgemm.enqueue(size, size, size, 1, 1, a, 0, bo, co, null);
                            cl.finish();
                        });
                        report("sgemm " + size, 2.0 * size * size * size, s);
                    }
                }
            }
            if (what.equals("all") || what.equals("conv")) {
                for (var l : LAYERS) {
                    var x = Tensor.random(1, l.n(), l.c(), l.h(), l.w());
                    var w = Tensor.random(2, l.k(), l.c() / l.params().groups(), l.kh(), l.kw());
                    var bias = Tensor.random(3, l.k());
                    Conv2dShape s = l.params().shapeOf(x, w, bias);
                    try (var xb = upload(cl, x); var wb = upload(cl, w); var bb = upload(cl, bias);
                         var yb = new DeviceBuffer(cl, "y", (long) s.n() * s.k() * s.outputPlane())) {
                        double t = median(() -> backend.conv2d(xb, wb, bb, yb, s));
                        report(l.name(), s.flops(), t);
                        if (!Conv2d.isPointwise(s) && !Im2col.isDepthwise(s)) {
                            var im2col = new Im2col(cl);
                            try (var col = new DeviceBuffer(cl, "col", s.n() * ColumnChunks.floatsPerRow(s) * s.oh())) {
                                double ti = median(() -> {
                                    im2col.enqueue(xb, 0, col, s, s.n(), 0, s.oh());
                                    cl.finish();
                                });
                                System.out.printf("%-28s %9.3f ms of it in im2col%n", "", ti * 1e3);
                            }
                        }
                    }
                }
            }
        }
    }

    private static DeviceBuffer filled(ClContext cl, long floats) {
        var buffer = new DeviceBuffer(cl, "data", floats);
        float[] data = new float[(int) floats];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i % 7) * 0.25f - 0.75f;
        }
        buffer.write(data);
        return buffer;
    }

    private static DeviceBuffer upload(ClContext cl, Tensor t) {
        var buffer = new DeviceBuffer(cl, "t", t.size());
        buffer.write(t.data());
        return buffer;
    }

    private static double median(Runnable run) {
        run.run();
        double[] times = new double[7];
        int n = 0;
        double total = 0;
        while (n < times.length && (n < 3 || total < 2.0)) {
            long t0 = System.nanoTime();
            run.run();
            times[n] = (System.nanoTime() - t0) * 1e-9;
            total += times[n++];
        }
        double[] sorted = Arrays.copyOf(times, n);
        Arrays.sort(sorted);
        return sorted[n / 2];
    }

    private static void report(String name, double flops, double seconds) {
        System.out.printf("%-28s %9.3f ms %8.2f GFLOP/s%n", name, seconds * 1e3, flops / seconds * 1e-9);
    }
}
