package org.convcl.opencl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.convcl.Activation;
import org.convcl.Backend;
import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.MaxPool2dResult;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.device.DeviceInfo;

/**
 * One backend over several devices (data parallelism): each call's batch is shared among them in proportion to
 * their speed on that problem, measured on the calls before ({@link BatchSplit}); the shares run at once, one thread
 * per device, and the results are gathered in batch order. The backward passes add the shares' weight and bias
 * gradients in device order. Results equal a single device's within float32 rounding, whatever the shares; a batch
 * smaller than the device count leaves some devices idle; a call whose tensors do not agree on the batch runs whole
 * on the first device, which refuses it as it would alone. When a device fails, the call waits for the others and
 * throws a {@link ConvclException} naming the device, and no partial result is returned.
 * <p>
 * Thread safety: safe for use from several threads; calls run one at a time, each using every device.
 */
public final class MultiDeviceBackend implements Backend {
    private final List<Backend> devices;
    private final ExecutorService threads;
    private final BatchSplit split;

    private MultiDeviceBackend(List<Backend> devices) {
        this.devices = List.copyOf(devices);
        this.threads = Executors.newFixedThreadPool(devices.size(), task -> {
            var thread = new Thread(task, "convcl-device");
            thread.setDaemon(true);
            return thread;
        });
        this.split = new BatchSplit(devices.size());
    }

    /**
     * A backend over the given OpenCL devices, each with its defaults.
     *
     * @param devices the devices, at least one; the first also checks calls whose batch cannot be shared
     * @return the backend, which owns one {@link OpenClBackend} per device
     * @throws IllegalArgumentException when the list is empty
     */
    public static MultiDeviceBackend open(List<DeviceInfo> devices) {
        List<Backend> opened = new ArrayList<>();
        try {
            for (var d : devices) {
                opened.add(OpenClBackend.open(d));
            }
        } catch (RuntimeException e) {
            opened.forEach(Backend::close);
            throw e;
        }
        return of(opened);
    }

    /**
     * A backend over other backends, which it closes when closed.
     *
     * @param backends the backends, at least one, each used by this one alone
     * @return the backend
     * @throws IllegalArgumentException when the list is empty
     */
    public static MultiDeviceBackend of(List<Backend> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("devices: at least one is needed");
        }
        return new MultiDeviceBackend(backends);
    }

    @Override
    public String name() {
        return devices.stream().map(Backend::name).collect(Collectors.joining(" + "));
    }

    @Override
    public synchronized Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual,
                                      Activation activation) {
        return concat(run("conv2d" + problem(input, weight, params), batch(input, residual),
                (b, s) -> b.conv2d(s.of(input), weight, bias, params, s.of(residual), activation)));
    }

    @Override
    public synchronized Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                       Conv2dParams params) {
        return backward("conv2dBackward" + problem(input, weight, params), gradOutput, input,
                (b, s) -> b.conv2dBackward(s.of(gradOutput), s.of(input), weight, params));
    }

    @Override
    public synchronized Tensor activation(Tensor input, Activation activation) {
        return concat(run("activation" + problem(input, null, activation), batch(input),
                (b, s) -> b.activation(s.of(input), activation)));
    }

    @Override
    public synchronized Tensor activationBackward(Tensor gradOutput, Tensor output, Activation activation) {
        return concat(run("activationBackward" + problem(output, null, activation), batch(gradOutput, output),
                (b, s) -> b.activationBackward(s.of(gradOutput), s.of(output), activation)));
    }

    @Override
    public synchronized Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias,
                                               ConvTranspose2dParams params) {
        return concat(run("convTranspose2d" + problem(input, weight, params), batch(input),
                (b, s) -> b.convTranspose2d(s.of(input), weight, bias, params)));
    }

    @Override
    public synchronized Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                                ConvTranspose2dParams params) {
        return backward("convTranspose2dBackward" + problem(input, weight, params), gradOutput, input,
                (b, s) -> b.convTranspose2dBackward(s.of(gradOutput), s.of(input), weight, params));
    }

    /** A backward pass shared by the batch of its output gradient and input, its gradients gathered. */
    private Conv2dGradients backward(String problem, Tensor gradOutput, Tensor input,
                                     BiFunction<Backend, Share, Conv2dGradients> call) {
        return gathered(run(problem, batch(gradOutput, input), call));
    }

    @Override
    public synchronized MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params) {
        var results = run("maxPool2d" + problem(input, null, params), batch(input),
                (b, s) -> b.maxPool2d(s.of(input), params));
        if (results.size() == 1) {
            return results.get(0);
        }
        var indices = results.stream().map(MaxPool2dResult::indices).toList();
        return new MaxPool2dResult(concat(results.stream().map(MaxPool2dResult::output).toList()), concatLongs(indices));
    }

    @Override
    public synchronized Tensor maxPool2dOutput(Tensor input, Pool2dParams params) {
        return concat(run("maxPool2dOutput" + problem(input, null, params), batch(input),
                (b, s) -> b.maxPool2dOutput(s.of(input), params)));
    }

    @Override
    public synchronized Tensor avgPool2d(Tensor input, Pool2dParams params) {
        return concat(run("avgPool2d" + problem(input, null, params), batch(input),
                (b, s) -> b.avgPool2d(s.of(input), params)));
    }

    @Override
    public synchronized Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape,
                                                 Pool2dParams params) {
        int n = batch(gradOutput);
        boolean agree = n >= 0 && indices != null && indices.length == gradOutput.size() && agrees(inputShape, n);
        return concat(run("maxPool2dBackward" + problem(gradOutput, null, params), agree ? n : -1,
                (b, s) -> b.maxPool2dBackward(s.of(gradOutput), s.of(indices, n), s.of(inputShape), params)));
    }

    @Override
    public synchronized Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params) {
        int n = batch(gradOutput);
        return concat(run("avgPool2dBackward" + problem(gradOutput, null, params), agrees(inputShape, n) ? n : -1,
                (b, s) -> b.avgPool2dBackward(s.of(gradOutput), s.of(inputShape), params)));
    }

    @Override
    public synchronized void close() {
        threads.shutdownNow();
        RuntimeException first = null;
        for (var d : devices) {
            try {
                d.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Images {@code [from, from + count)} of the batch; a count of -1 is the whole call, unsplit, on one device.
     */
    record Share(int from, int count) {
        static final Share WHOLE = new Share(0, -1);

        Tensor of(Tensor t) {
            if (t == null || count < 0) {
                return t;
            }
            int[] shape = t.shape();
            long per = t.size() / Math.max(1, shape[0]);
            shape[0] = count;
            return new Tensor(Arrays.copyOfRange(t.data(), (int) (from * per), (int) ((from + count) * per)), shape);
        }

        long[] of(long[] indices, int n) {
            if (count < 0) {
                return indices;
            }
            int per = indices.length / Math.max(1, n);
            return Arrays.copyOfRange(indices, from * per, (from + count) * per);
        }

        int[] of(int[] shape) {
            if (count < 0) {
                return shape;
            }
            int[] part = shape.clone();
            part[0] = count;
            return part;
        }
    }

    /**
     * Runs {@code call} on each device's share of a batch of {@code n} images, at once, and returns the results in
     * batch order; with {@code n} of -1 (tensors that disagree on the batch), fewer than two images or one device,
     * the whole call runs on the first device.
     */
    private <R> List<R> run(String problem, int n, BiFunction<Backend, Share, R> call) {
        if (n < 2 || devices.size() == 1) {
            return List.of(call.apply(devices.get(0), Share.WHOLE));
        }
        int[] shares = split.shares(problem, n);
        List<Integer> used = new ArrayList<>();
        List<Future<R>> futures = new ArrayList<>();
        for (int d = 0, from = 0; d < devices.size(); from += shares[d], d++) {
            if (shares[d] == 0) {
                continue;
            }
            int device = d;
            var share = new Share(from, shares[d]);
            used.add(d);
            futures.add(threads.submit(() -> {
                long start = System.nanoTime();
                R result = call.apply(devices.get(device), share);
                split.record(problem, device, share.count(), System.nanoTime() - start);
                return result;
            }));
        }
        return gather(futures, used);
    }

    /** Every share's result, after all have finished; the first failure, named by its device, if any failed. */
    private <R> List<R> gather(List<Future<R>> futures, List<Integer> used) {
        List<R> results = new ArrayList<>();
        RuntimeException failure = null;
        for (int i = 0; i < futures.size(); i++) {
            try {
                results.add(futures.get(i).get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new ConvclException("interrupted while waiting for the devices", e);
            } catch (ExecutionException e) {
                failure = failure != null ? failure : deviceFailure(used.get(i), e.getCause());
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    /** Bad arguments are every device's and keep their own message; anything else names the device it happened on. */
    private RuntimeException deviceFailure(int device, Throwable cause) {
        if (cause instanceof IllegalArgumentException e) {
            return e;
        }
        return new ConvclException("device " + device + " (" + devices.get(device).name() + "): " + cause.getMessage(),
                cause);
    }

    /** The batch every given tensor has, or -1 where one is missing, has no batch axis, or has another. */
    private static int batch(Tensor first, Tensor... others) {
        if (first == null || first.shape().length == 0) {
            return -1;
        }
        int n = first.shape()[0];
        for (var t : others) {
            if (t != null && (t.shape().length == 0 || t.shape()[0] != n)) {
                return -1;
            }
        }
        return n;
    }

    private static boolean agrees(int[] shape, int n) {
        return n >= 0 && shape != null && shape.length > 0 && shape[0] == n;
    }

    /** What the split remembers speeds by: the operation, the shapes (less the batch) and the parameters. */
    private static String problem(Tensor input, Tensor weight, Object params) {
        int[] shape = input == null ? new int[0] : input.shape();
        return Arrays.toString(shape.length > 0 ? Arrays.copyOfRange(shape, 1, shape.length) : shape)
                + (weight == null ? "" : Arrays.toString(weight.shape())) + params;
    }

    private static Tensor concat(List<Tensor> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int[] shape = parts.get(0).shape();
        shape[0] = parts.stream().mapToInt(t -> t.shape()[0]).sum();
        float[] data = new float[Math.toIntExact(Tensor.elementCount(shape))];
        int at = 0;
        for (var t : parts) {
            t.copyTo(data, at);
            at += (int) t.size();
        }
        return new Tensor(data, shape);
    }

    private static long[] concatLongs(List<long[]> parts) {
        long[] all = new long[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** The input gradients (and residuals') gathered, the weight and bias gradients added in device order. */
    private static Conv2dGradients gathered(List<Conv2dGradients> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        var residuals = parts.stream().map(Conv2dGradients::residual).toList();
        return new Conv2dGradients(concat(parts.stream().map(Conv2dGradients::input).toList()),
                sum(parts.stream().map(Conv2dGradients::weight).toList()),
                sum(parts.stream().map(Conv2dGradients::bias).toList()),
                residuals.contains(null) ? null : concat(residuals));
    }

    private static Tensor sum(List<Tensor> parts) {
        float[] total = parts.get(0).data().clone();
        for (var t : parts.subList(1, parts.size())) {
            float[] d = t.data();
            for (int i = 0; i < total.length; i++) {
                total[i] += d[i];
            }
        }
        return new Tensor(total, parts.get(0).shape());
    }
}
