package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code convcl convtranspose2d}: one transposed convolution of .npy files on the chosen backend, as
 * torch.nn.functional.conv_transpose2d.
 */
final class ConvTranspose2dCommand extends AbstractCommand {
    ConvTranspose2dCommand() {
        super("convtranspose2d", "transposed convolution of .npy files, as torch.nn.functional.conv_transpose2d",
                new Args.Spec(Flags.withConvTranspose2dOptions("input", "weight", "bias", "output"),
                        Set.of(Flags.VERIFY)));
    }

    @Override
    public String usage() {
        return """
                usage: convcl convtranspose2d --input X.npy --weight W.npy [--bias B.npy] --output Y.npy
                                              [--stride SH,SW] [--padding PH,PW] [--output-padding OH,OW]
                                              [--dilation DH,DW] [--groups G] [--device D] [--verify]

                  --input X.npy       (N, Cin, H, W) float32
                  --weight W.npy      (Cin, Cout/G, KH, KW) float32, as PyTorch's ConvTranspose2d holds it
                  --bias B.npy        (Cout) float32, optional
                  --output Y.npy      written (N, Cout, OH, OW) float32, only when everything succeeded;
                                      OH = (H-1)*SH - 2*PH + DH*(KH-1) + OH_pad + 1, OW alike
                """ + Flags.CONV_TRANSPOSE2D_HELP + Flags.DEVICE_HELP + Flags.VERIFY_HELP;
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        var params = Flags.convTranspose2dParams(args);
        var files = ConvFiles.read(args);
        // Shapes are checked before a device is opened, so a bad combination is an argument error, not a device one.
        Heap.require("output", params.shapeOf(files.input(), files.weight(), files.bias()).outputShape(), Float.BYTES);
        files.write(Flags.onBackend(args, out,
                backend -> backend.convTranspose2d(files.input(), files.weight(), files.bias(), params)));
    }
}
