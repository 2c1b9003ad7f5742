package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code convcl demo}: runs {@link Demo} on the chosen device. */
final class DemoCommand implements Command {
    private static final String DEFAULT_PNG = "convcl-demo.png";
    private static final Args.Spec SPEC = new Args.Spec(Set.of(Flags.DEVICE, "png"), Set.of());

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "classic filters on a drawn digit and a random batch, verified, and a PNG of the feature maps";
    }

    @Override
    public String usage() {
        return """
                usage: convcl demo [--device D] [--png FILE]

                Applies five classic 3x3 filters (%s) to a drawn 28x28 digit and 8 random
                filters to a random 4x3x32x32 batch, checks each result against the reference, prints shapes, time
                and the largest difference, and writes the digit with its feature maps as a PNG.

                  --png FILE          where the picture goes (default %s in the current directory)
                """.formatted(String.join(", ", Demo.filterNames()), DEFAULT_PNG) + Flags.DEVICE_HELP;
    }

    @Override
    public Args.Spec spec() {
        return SPEC;
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        String png = args.value("png");
        new Demo(args.value(Flags.DEVICE), Path.of(png == null ? DEFAULT_PNG : png)).run(out);
    }
}
