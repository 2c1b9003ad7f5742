package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.convcl.io.AtomicFile;
import org.convcl.io.Npy;

/** {@code convcl conv2d}: one convolution of .npy files on the chosen backend, as torch.nn.functional.conv2d. */
final class Conv2dCommand implements Command {
    private static final Args.Spec SPEC = new Args.Spec(
            Flags.withConv2dOptions("input", "weight", "bias", "output"), Set.of(Flags.VERIFY));

    @Override
    public String name() {
        return "conv2d";
    }

    @Override
    public String summary() {
        return "2-D convolution of .npy files, as torch.nn.functional.conv2d";
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
    public Args.Spec spec() {
        return SPEC;
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        var inputFile = Path.of(args.required("input"));
        var weightFile = Path.of(args.required("weight"));
        var output = Path.of(args.required("output"));
        var params = Flags.conv2dParams(args);
        AtomicFile.checkTargets(output);
        var input = Heap.readNpy(inputFile);
        var weight = Heap.readNpy(weightFile);
        String biasFile = args.value("bias");
        var bias = biasFile == null ? null : Heap.readNpy(Path.of(biasFile));
        // Shapes are checked before a device is opened, so a bad combination is an argument error, not a device one.
        Heap.require("output", params.shapeOf(input, weight, bias).outputShape(), Float.BYTES);
        Npy.write(output, Flags.onBackend(args, backend -> backend.conv2d(input, weight, bias, params)));
    }
}
