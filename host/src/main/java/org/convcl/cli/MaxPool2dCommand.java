package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.convcl.io.AtomicFile;
import org.convcl.io.Npy;

/** {@code convcl maxpool2d}: max pooling of a .npy file, as torch.nn.functional.max_pool2d. */
final class MaxPool2dCommand extends AbstractCommand {
    MaxPool2dCommand() {
        super("maxpool2d", "2-D max pooling with indices, as torch.nn.functional.max_pool2d",
                new Args.Spec(Flags.withPoolOptions("input", "output", "indices", Flags.DILATION),
                        Set.of(Flags.CEIL_MODE, Flags.VERIFY)));
    }

    @Override
    public String usage() {
        return """
                usage: convcl maxpool2d --input X.npy --kernel KH,KW --output Y.npy [--indices I.npy]
                                        [--stride SH,SW] [--padding PH,PW] [--dilation DH,DW] [--ceil-mode]
                                        [--device D] [--verify]

                  --input X.npy       (N, C, H, W) float32
                  --output Y.npy      written (N, C, OH, OW) float32; NaN in a window gives NaN
                  --indices I.npy     written (N, C, OH, OW) int64: ih*W + iw of each maximum within its plane
                  --dilation DH,DW    spacing of the window taps (default 1)
                """ + Flags.POOL_HELP + Flags.DEVICE_HELP + Flags.VERIFY_HELP;
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        var inputFile = Path.of(args.required("input"));
        var output = Path.of(args.required("output"));
        var indicesFile = args.value("indices") == null ? null : Path.of(args.value("indices"));
        var dilation = args.pairOr(Flags.DILATION, 1, 1);
        var params = Flags.poolParams(args).withDilation(dilation.h(), dilation.w());
        AtomicFile.checkTargets(indicesFile == null ? new Path[] {output} : new Path[] {output, indicesFile});
        var input = Heap.readNpy(inputFile);
        var shape = Hints.poolShape(params, input);
        // The backend returns the float32 output and its int64 indices together.
        Heap.require("output and indices", shape.outputShape(), Float.BYTES + Long.BYTES);
        var result = Flags.onBackend(args, out, backend -> backend.maxPool2d(input, params));
        var files = new ArrayList<>(List.of(Npy.float32(output, result.output())));
        if (indicesFile != null) {
            files.add(Npy.int64(indicesFile, result.indices(), shape.outputShape()));
        }
        // Both files land or neither does.
        AtomicFile.writeAll(files);
    }
}
