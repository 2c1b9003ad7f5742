package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.convcl.io.AtomicFile;
import org.convcl.io.Npy;

/** {@code convcl avgpool2d}: average pooling of a .npy file, as torch.nn.functional.avg_pool2d. */
final class AvgPool2dCommand extends AbstractCommand {
    private static final String COUNT_INCLUDE_PAD = "count-include-pad";
    private static final String DIVISOR_OVERRIDE = "divisor-override";

    AvgPool2dCommand() {
        super("avgpool2d", "2-D average pooling, as torch.nn.functional.avg_pool2d",
                new Args.Spec(Flags.withPoolOptions("input", "output", COUNT_INCLUDE_PAD, DIVISOR_OVERRIDE),
                        Set.of(Flags.CEIL_MODE, Flags.VERIFY)));
    }

    @Override
    public String usage() {
        return """
                usage: convcl avgpool2d --input X.npy --kernel KH,KW --output Y.npy [--stride SH,SW]
                                        [--padding PH,PW] [--ceil-mode] [--count-include-pad true|false]
                                        [--divisor-override D] [--device D] [--verify]

                  --input X.npy               (N, C, H, W) float32
                  --output Y.npy              written (N, C, OH, OW) float32
                  --count-include-pad B       count padding cells in the divisor (default true)
                  --divisor-override D        divide every window sum by D instead (non-zero)
                """ + Flags.POOL_HELP + Flags.DEVICE_HELP + Flags.VERIFY_HELP;
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        var inputFile = Path.of(args.required("input"));
        var output = Path.of(args.required("output"));
        int divisor = args.intOr(DIVISOR_OVERRIDE, 0, Integer.MIN_VALUE);
        if (divisor == 0 && args.value(DIVISOR_OVERRIDE) != null) {
            throw new IllegalArgumentException("--" + DIVISOR_OVERRIDE + ": must not be zero");
        }
        var params = Flags.poolParams(args).withCountIncludePad(Flags.booleanOr(args, COUNT_INCLUDE_PAD, true))
                .withDivisorOverride(divisor);
        AtomicFile.checkTargets(output);
        var input = Heap.readNpy(inputFile);
        Heap.require("output", Hints.poolShape(params, input).outputShape(), Float.BYTES);
        Npy.write(output, Flags.onBackend(args, out, backend -> backend.avgPool2d(input, params)));
    }
}
