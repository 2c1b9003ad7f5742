package org.convcl.opencl.conv;

import org.convcl.opencl.ops.ChannelLanesConv2d;
import org.convcl.opencl.ops.Col2im;
import org.convcl.opencl.ops.DirectConv2d;
import org.convcl.opencl.ops.Im2col;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.ops.TensorOps;
import org.convcl.opencl.ops.WinogradKernels;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DerivedBuffers;
import org.convcl.opencl.runtime.Workspace;

/**
 * What the conv algorithms run on: the kernel launchers and the one owner of their scratch memory. Each workspace
 * is kept between calls and grows between them, never with a wait on the queue inside a call: the in-order queue runs
 * the commands that use a buffer before those of the next call, and a buffer released while commands still use it
 * lives until they finish. Close it to release the workspaces.
 */
public final class ConvResources implements AutoCloseable {
    final Sgemm sgemm;
    final Im2col im2col;
    final Col2im col2im;
    final DirectConv2d direct;
    final ChannelLanesConv2d lanes;
    final TensorOps ops;
    final WinogradKernels winograd;
    /** Column matrices: one chunk's at a time, forward and backward. */
    final Workspace columns;
    /** Filters laid out for a kernel, kept per weight tensor: Winograd's transformed U, the channel lanes' taps. */
    final DerivedBuffers filters;
    /** The backward pass's transposed weight. */
    final Workspace transposedWeight;
    /** The backward pass's output gradient permuted to (K, pixels). */
    final Workspace permutedGradient;
    /** The weight gradient of the chunks after the first, before it is added. */
    final Workspace partialWeightGradient;
    private final Workspace packedPanels;

    public ConvResources(ClContext cl) {
        this.packedPanels = new Workspace(cl, "packed B panels");
        this.sgemm = new Sgemm(cl, packedPanels);
        this.im2col = new Im2col(cl);
        this.col2im = new Col2im(cl);
        this.direct = new DirectConv2d(cl);
        this.lanes = new ChannelLanesConv2d(cl);
        this.ops = new TensorOps(cl);
        this.winograd = new WinogradKernels(cl);
        this.columns = new Workspace(cl, "column matrix");
        this.filters = new DerivedBuffers(cl, "laid-out filters");
        this.transposedWeight = new Workspace(cl, "transposed weight");
        this.permutedGradient = new Workspace(cl, "permuted output gradient");
        this.partialWeightGradient = new Workspace(cl, "partial weight gradient");
    }

    /** Releases every workspace; OpenCL deletes each once the commands queued before are done with it. */
    @Override
    public void close() {
        for (var w : new Workspace[] {columns, packedPanels, transposedWeight, permutedGradient,
                partialWeightGradient}) {
            w.close();
        }
        filters.close();
    }
}
