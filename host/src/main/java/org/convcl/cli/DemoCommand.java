package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code convcl demo}: runs {@link Demo} on the chosen device. */
final class DemoCommand extends AbstractCommand {
    private static final String DEFAULT_PNG = "convcl-demo.png";

    DemoCommand() {
        super("demo", "three small convolutions on a device, each compared with the reference, and a PNG of one",
                new Args.Spec(Set.of(Flags.DEVICE, "png"), Set.of()));
    }

    @Override
    public String usage() {
        return """
                usage: convcl demo [--device D] [--png FILE]

                Runs three small jobs on the device and compares each result, element by element, with the
                reference (the same operations as plain Java loops): five classic 3x3 image filters (%s)
                on a drawn 28x28 digit; 8 random 3x3 filters with a bias on a random batch of 4 images of 3x32x32; and
                a 2-channel 3x3 convolution followed by 2x2 max pooling, small enough to check by hand. For each it
                prints the shapes, the device path, the time and the largest difference, then writes the digit and
                its filtered maps as a PNG.

                  --png FILE          where the picture goes (default %s in the current directory)
                """.formatted(String.join(", ", Demo.filterNames()), DEFAULT_PNG) + Flags.DEVICE_HELP;
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        String png = args.value("png");
        new Demo(args.value(Flags.DEVICE), Path.of(png == null ? DEFAULT_PNG : png)).run(out);
    }
}
