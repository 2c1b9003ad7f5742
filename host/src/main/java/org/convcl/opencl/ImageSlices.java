package org.convcl.opencl;

import java.util.ArrayList;
import java.util.List;
import org.convcl.Tensor;

/**
 * One host-tensor call run on the device in slices of images, so that a batch larger than one allocation (or the
 * transfer budget) still runs: per slice, the per-image inputs go up, the device operation runs, and the per-image
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
            for (int n0 = 0; n0 < n; n0 += step) {
                int images = Math.min(step, n - n0);
                var results = runSlice(operation, n0, images);
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

    /** As many images as keep every per-image buffer within the budget. */
    private int imagesPerSlice() {
        long largest = Float.BYTES;
        for (var h : uploads) {
            largest = Math.max(largest, h.bytesPerImage());
        }
        for (var h : downloads) {
            largest = Math.max(largest, h.bytesPerImage());
        }
        if (largest > budgetBytes) {
            var d = store.device();
            throw new IllegalArgumentException("input: one image needs a " + largest + "-byte buffer, more than the "
                    + budgetBytes + " bytes one transfer may take on " + d.name() + " (CL_DEVICE_MAX_MEM_ALLOC_SIZE "
                    + d.maxAllocBytes() + ")");
        }
        return (int) Math.max(1, Math.min(n, budgetBytes / largest));
    }

    private static void closeAll(List<DeviceTensor> tensors) {
        for (var t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }
}
