package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;
import org.convcl.opencl.OpenClBackend;

/** {@code convcl conv2d}: one convolution of .npy files on the chosen backend, as torch.nn.functional.conv2d. */
final class Conv2dCommand extends AbstractCommand {
    Conv2dCommand() {
        super("conv2d", "2-D convolution of .npy files, as torch.nn.functional.conv2d",
                new Args.Spec(Flags.withConv2dOptions("input", "weight", "bias", "output"), Set.of(Flags.VERIFY)));
    }

    @Override
    public String usage() {
        return """
                usage: convcl conv2d --input X.npy --weight W.npy [--bias B.npy] --output Y.npy
                                     [--stride SH,SW] [--padding PH,PW] [--dilation DH,DW] [--groups G]
                                     [--device D] [--verify]

                  --input X.npy       (N, C, H, W) float32
                  --weight W.npy      (K, C/G, KH, KW) float32
                  --bias B.npy        (K) float32, optional
                  --output Y.npy      written (N, K, OH, OW) float32, only when everything succeeded
                """ + Flags.CONV2D_HELP + Flags.DEVICE_HELP + Flags.VERIFY_HELP;
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        var params = Flags.conv2dParams(args);
        var files = ConvFiles.read(args);
        // Shapes are checked before a device is opened, so a bad combination is an argument error, not a device one.
        var shape = Hints.conv2dShape(params, files.input(), files.weight(), files.bias());
        Heap.require("output", shape.outputShape(), Float.BYTES);
        files.write(Flags.onBackend(args, out,
                backend -> backend instanceof OpenClBackend device ? device.describeConv2d(shape) : null,
                backend -> backend.conv2d(files.input(), files.weight(), files.bias(), params)));
    }
}
