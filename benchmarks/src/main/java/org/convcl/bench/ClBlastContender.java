package org.convcl.bench;

import static org.jocl.CL.CL_MEM_COPY_HOST_PTR;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseMemObject;

import org.convcl.Tensor;
import org.convcl.opencl.runtime.ClDevices;
import org.convcl.opencl.device.DeviceInfo;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.blast.CLBlast;
import org.jocl.blast.CLBlastKernelMode;
import org.jocl.blast.CLBlastLayout;
import org.jocl.blast.CLBlastTranspose;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;

/**
 * CLBlast on the same device, through JOCLBlast: {@code Sconvgemm} (im2col + batched GEMM) for convolutions and
 * {@code Sgemm} for the SGEMM cases. It has its own context, so neither library shares buffers with the other.
 */
final class ClBlastContender extends NamedContender {
    private final cl_context context;
    private final cl_command_queue queue;

    ClBlastContender(DeviceInfo device) {
        super("clblast", device.name());
        CL.setExceptionsEnabled(true);
        CLBlast.setExceptionsEnabled(true);
        var handle = ClDevices.handleOf(device);
        this.context = clCreateContext(null, 1, new cl_device_id[] {handle}, null, null, null);
        this.queue = clCreateCommandQueue(context, handle, 0, null);
    }

    @Override
    public String configuration(BenchCase c) {
        return c.sgemm() ? "Sgemm" : c.pooling() ? "" : "Sconvgemm";
    }

    @Override
    public String unsupported(BenchCase c) {
        if (c.pooling()) {
            return "CLBlast has no pooling";
        }
        return c.params().groups() == 1 ? null : "CLBlast's convgemm has no groups";
    }

    @Override
    public Run prepare(BenchCase c, Tensor input, Tensor weight) {
        var s = c.shape();
        var x = copyOf(input);
        cl_mem w = null;
        cl_mem y;
        try {
            w = copyOf(weight);
            y = clCreateBuffer(context, CL_MEM_READ_WRITE, (long) Sizeof.cl_float * s.n() * s.k() * s.outputPlane(),
                    null, null);
        } catch (RuntimeException e) {
            clReleaseMemObject(x);
            if (w != null) {
                clReleaseMemObject(w);
            }
            throw e;
        }
        var weights = w;
        return new Run() {
            @Override
            public Tensor result() {
                execute();
                var out = Tensor.zeros(s.outputShape());
                clEnqueueReadBuffer(queue, y, CL_TRUE, 0, (long) Sizeof.cl_float * out.size(), Pointer.to(out.data()),
                        0, null, null);
                return out;
            }

            @Override
            public void execute() {
                if (c.sgemm()) {
                    // C (M x N) = A (M x K) * B (K x N), all row-major: the weight is A, the input is B.
                    int m = s.k(), n = (int) s.outputPlane(), k = s.c();
                    CLBlast.CLBlastSgemm(CLBlastLayout.CLBlastLayoutRowMajor, CLBlastTranspose.CLBlastTransposeNo,
                            CLBlastTranspose.CLBlastTransposeNo, m, n, k, 1f, weights, 0, k, x, 0, n, 0f, y, 0, n, queue, null);
                } else {
                    var p = s.params();
                    CLBlast.CLBlastSconvgemm(CLBlastKernelMode.CLBlastKernelModeCrossCorrelation, s.c(), s.h(), s.w(),
                            s.kh(), s.kw(), p.padTop(), p.padLeft(), p.strideH(), p.strideW(), p.dilationH(), p.dilationW(),
                            s.k(), s.n(), x, 0, weights, 0, y, 0, queue, null);
                }
                clFinish(queue);
            }

            @Override
            public void close() {
                clReleaseMemObject(x);
                clReleaseMemObject(weights);
                clReleaseMemObject(y);
            }
        };
    }

    private cl_mem copyOf(Tensor t) {
        return clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, (long) Sizeof.cl_float * t.size(),
                Pointer.to(t.data()), null);
    }

    @Override
    public void close() {
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
