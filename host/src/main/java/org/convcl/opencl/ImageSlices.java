package org.convcl.opencl;

import java.util.ArrayList;
import java.util.List;
import org.convcl.Tensor;
import org.convcl.opencl.runtime.MemoryBudgetException;

/**
 * One host-tensor call run on the device in slices of images, so that a batch larger than one allocation, the
 * transfer budget or the memory budget still runs: per slice, the per-image inputs go up, the device operation runs, and the per-image
 * outputs come back into their images; outputs summed over the batch (weight and bias gradients) are added up on the
 * device and read back once. Every device tensor a slice makes is closed before the next slice starts.
 *
 * <pre>{@code
 * slices.upload(input).download(output).run((images, in) -> List.of(conv2d(in.get(0), w, b, params)));
 * }</pre>
 */
final class ImageSlices {
    /** The device operation on one slice: device tensors in the order uploaded, results in the order declared. */
    interface SliceOperation {
        List<DeviceTensor> run(int images, List<DeviceTensor> inputs);
    }

    private final TensorStore store;
    private final DeviceOps ops;
    private final long budgetBytes;
    private final int n;
    private final List<HostImages> uploads = new ArrayList<>();
    private final List<HostImages> downloads = new ArrayList<>();
    private final List<Tensor> sums = new ArrayList<>();

    /**
     * @param budgetBytes the most bytes one per-image buffer of a slice may take
     * @param n           images in the batch
     */
    ImageSlices(TensorStore store, DeviceOps ops, long budgetBytes, int n) {
        this.store = store;
        this.ops = ops;
        this.budgetBytes = budgetBytes;
        this.n = n;
    }

    ImageSlices upload(Tensor t) {
        uploads.add(HostImages.of(t));
        return this;
    }

    ImageSlices uploadIndices(long[] indices, int[] shape) {
        uploads.add(HostImages.ofIndices(indices, shape));
        return this;
    }

    ImageSlices download(Tensor into) {
        downloads.add(HostImages.of(into));
        return this;
    }

    ImageSlices downloadIndices(long[] into, int[] shape) {
        downloads.add(HostImages.ofIndices(into, shape));
        return this;
    }

    /** An output summed over the batch; {@code into} keeps its zeros when the batch is empty. */
    ImageSlices sum(Tensor into) {
        sums.add(into);
        return this;
    }

    void run(SliceOperation operation) {
        int step = imagesPerSlice();
        var totals = new ArrayList<DeviceTensor>();
        try {
            int n0 = 0;
            while (n0 < n) {
                int images = Math.min(step, n - n0);
                List<DeviceTensor> results;
                try {
                    results = runSlice(operation, n0, images);
                } catch (MemoryBudgetException e) {
                    // The operation's own buffers (workspaces, packed panels) are known only to its plan: where they
                    // do not fit beside this slice, half the images may; one image that does not fit is refused.
                    if (images == 1) {
                        throw e;
                    }
                    step = images / 2;
                    continue;
                }
                try {
                    for (int i = 0; i < downloads.size(); i++) {
                        var d = downloads.get(i);
                        d.read(store.buffer(results.get(i), "output slice", d.isIndices()), n0, images);
                    }
                    for (int i = 0; i < sums.size(); i++) {
                        var part = results.get(downloads.size() + i);
                        if (totals.size() <= i) {
                            totals.add(part);
                            results.set(downloads.size() + i, null);
                        } else {
                            ops.addInPlace(totals.get(i), part);
                        }
                    }
                } finally {
                    closeAll(results);
                }
                n0 += images;
            }
            for (int i = 0; i < totals.size(); i++) {
                store.buffer(totals.get(i), "sum", false).read(sums.get(i).data());
            }
        } finally {
            closeAll(totals);
        }
    }

    private List<DeviceTensor> runSlice(SliceOperation operation, int n0, int images) {
        var inputs = new ArrayList<DeviceTensor>();
        try {
            for (var u : uploads) {
                var d = store.allocate("input slice", u.isIndices(), u.sliceShape(images));
                inputs.add(d);
                u.write(store.buffer(d, "input slice", u.isIndices()), n0, images);
            }
            return new ArrayList<>(operation.run(images, inputs));
        } finally {
            closeAll(inputs);
        }
    }

    /**
     * As many images as keep every per-image buffer within the transfer budget and all of them together within the
     * memory budget has left.
     */
    private int imagesPerSlice() {
        long largest = Float.BYTES;
        long perImage = 0;
        for (var h : uploads) {
            largest = Math.max(largest, h.bytesPerImage());
            perImage += h.bytesPerImage();
        }
        for (var h : downloads) {
            largest = Math.max(largest, h.bytesPerImage());
            perImage += h.bytesPerImage();
        }
        if (largest > budgetBytes) {
            var d = store.device();
            throw new IllegalArgumentException("input: one image needs a " + largest + "-byte buffer, more than the "
                    + budgetBytes + " bytes one transfer may take on " + d.name() + " (CL_DEVICE_MAX_MEM_ALLOC_SIZE "
                    + d.maxAllocBytes() + ")");
        }
        long fit = Math.min(budgetBytes / largest, store.bytesAvailable() / Math.max(1, perImage));
        return (int) Math.max(1, Math.min(n, fit));
    }

    private static void closeAll(List<DeviceTensor> tensors) {
        for (var t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }
}
