package org.convcl.cli;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.convcl.Backend;
import org.convcl.Backends;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Pool2dParams;
import org.convcl.opencl.Devices;
import org.convcl.opencl.device.ConvclException;
import org.convcl.reference.ReferenceBackend;

/** Flags several commands share, parsed in one place so that their spelling, defaults, limits and help agree. */
final class Flags {
    static final String DEVICE = "device";
    static final String VERIFY = "verify";
    static final String STRIDE = "stride";
    static final String PADDING = "padding";
    static final String DILATION = "dilation";
    static final String OUTPUT_PADDING = "output-padding";
    static final String GROUPS = "groups";
    static final String KERNEL = "kernel";
    static final String CEIL_MODE = "ceil-mode";

    static final String DEVICE_HELP = """
              --device D          an index from 'convcl devices', gpu, cpu, accelerator, reference (plain Java, no
                                  OpenCL) or part of a device name; default $CONVCL_DEVICE, else the first GPU,
                                  accelerator or CPU device. Several devices share each batch: 'all', a list
                                  such as 0,1, or gpu* (every GPU)
            """;
    static final String VERIFY_HELP = """
              --verify            also run the reference: fail (status 1) when the results differ, else print
                                  what was compared and the largest differences
            """;
    static final String CONV2D_HELP = """
              --stride SH,SW      step of the kernel (default 1); one number sets both axes, as do the next two
              --padding PH,PW     zeros added on each side (default 0); T,B,L,R pads top, bottom, left and right
                                  apart; same keeps the input size (stride 1; an odd total puts the extra zero
                                  at the bottom or right, as PyTorch); valid means 0
              --dilation DH,DW    spacing of the kernel taps (default 1)
              --groups G          channel groups; G divides input and output channels (default 1)
            """;
    static final String CONV_TRANSPOSE2D_HELP = """
              --stride SH,SW      step between the input pixels' kernel stamps (default 1); one number sets both
                                  axes, as do the next four
              --padding PH,PW     rows and columns cropped from each side of the output (default 0)
              --output-padding OH,OW
                                  rows and columns added at the bottom and right of the output, each smaller than
                                  the stride or the dilation of its axis (default 0)
              --dilation DH,DW    spacing of the kernel taps (default 1)
              --groups G          channel groups; G divides the input channels (default 1)
            """;

    static final String POOL_HELP = """
              --kernel KH,KW      window size; one number sets both axes, as do the next two
              --stride SH,SW      step of the window (default: the kernel size)
              --padding PH,PW     implicit padding on each side, at most half the kernel (default 0); T,B,L,R
                                  pads top, bottom, left and right apart
              --ceil-mode         round the output size up; a last window must start inside the input or left padding
            """;

    private Flags() {
    }

    /** The options of a pooling command: {@code names} plus kernel, stride, padding and device. */
    static Set<String> withPoolOptions(String... names) {
        var options = new HashSet<>(Set.of(names));
        options.addAll(Set.of(KERNEL, STRIDE, PADDING, DEVICE));
        return options;
    }

    /** Kernel, stride (default the kernel), padding and ceil mode of a pooling command; dilation 1. */
    static Pool2dParams poolParams(Args args) {
        if (args.value(KERNEL) == null) {
            throw new IllegalArgumentException("--kernel: missing (the pooling window, KH,KW)");
        }
        var kernel = args.pairOr(KERNEL, 1, 1);
        var stride = args.value(STRIDE) == null ? kernel : args.pairOr(STRIDE, 1, 1);
        int[] pads = padding(args);
        return Pool2dParams.of(kernel.h(), kernel.w()).withStride(stride.h(), stride.w())
                .withPadding(pads[0], pads[1], pads[2], pads[3]).withCeilMode(args.isSet(CEIL_MODE));
    }

    /** {@code --padding} written P, PH,PW or T,B,L,R, as (top, bottom, left, right); zeros when absent. */
    private static int[] padding(Args args) {
        int[] v = args.intsOrNull(PADDING, 0);
        if (v == null) {
            return new int[4];
        }
        return switch (v.length) {
            case 1 -> new int[] {v[0], v[0], v[0], v[0]};
            case 2 -> new int[] {v[0], v[0], v[1], v[1]};
            case 4 -> v;
            default -> throw new IllegalArgumentException("--padding: '" + args.value(PADDING) + "' has " + v.length
                    + " numbers, must be P, PH,PW or T,B,L,R (top, bottom, left, right)");
        };
    }

    /** A flag that takes {@code true} or {@code false}. */
    static boolean booleanOr(Args args, String name, boolean fallback) {
        String v = args.value(name);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + ": '" + v + "', must be true or false");
        };
    }

    /** The options of a conv2d-like command: {@code names} plus stride, padding, dilation, groups and device. */
    static Set<String> withConv2dOptions(String... names) {
        var options = new HashSet<>(Set.of(names));
        options.addAll(Set.of(STRIDE, PADDING, DILATION, GROUPS, DEVICE));
        return options;
    }

    /**
     * The convolution parameters the flags name; absent flags take PyTorch's defaults. {@code --padding} also takes
     * PyTorch's {@code same} (stride 1 only) and {@code valid}.
     */
    static Conv2dParams conv2dParams(Args args) {
        var stride = args.pairOr(STRIDE, 1, 1);
        var dilation = args.pairOr(DILATION, 1, 1);
        var unpadded = new Conv2dParams(stride.h(), stride.w(), 0, 0, dilation.h(), dilation.w(),
                args.intOr(GROUPS, 1, 1));
        String mode = args.value(PADDING);
        if ("same".equals(mode)) {
            if (stride.h() != 1 || stride.w() != 1) {
                throw new IllegalArgumentException("--padding: same needs --stride 1, as PyTorch, which refuses it for"
                        + " strided convolutions; got --stride " + stride.h() + "," + stride.w());
            }
            return unpadded.withSamePadding();
        }
        if ("valid".equals(mode)) {
            return unpadded;
        }
        int[] pads = padding(args);
        return unpadded.withPadding(pads[0], pads[1], pads[2], pads[3]);
    }

    /** The options of a transposed-convolution command: the conv2d-like ones and the output padding. */
    static Set<String> withConvTranspose2dOptions(String... names) {
        var options = withConv2dOptions(names);
        options.add(OUTPUT_PADDING);
        return options;
    }

    /** The transposed-convolution parameters the flags name; absent flags take PyTorch's defaults. */
    static ConvTranspose2dParams convTranspose2dParams(Args args) {
        var stride = args.pairOr(STRIDE, 1, 1);
        var padding = args.pairOr(PADDING, 0, 0);
        var outputPadding = args.pairOr(OUTPUT_PADDING, 0, 0);
        var dilation = args.pairOr(DILATION, 1, 1);
        return ConvTranspose2dParams.DEFAULT.withStride(stride.h(), stride.w()).withPadding(padding.h(), padding.w())
                .withOutputPadding(outputPadding.h(), outputPadding.w()).withDilation(dilation.h(), dilation.w())
                .withGroups(args.intOr(GROUPS, 1, 1));
    }

    /**
     * Runs {@code operation} on the backend {@code --device} names and closes the backend. With {@code --verify} it
     * is checked against the reference, and on success {@code out} gets a line per check saying what was compared
     * and the largest differences.
     *
     * @param path how the backend runs the operation (for a report), or null where there is only one way
     */
    static <T> T onBackend(Args args, PrintStream out, Function<Backend, String> path, Function<Backend, T> operation) {
        var backend = open(args.value(DEVICE));
        if (!args.isSet(VERIFY) || backend instanceof ReferenceBackend) {
            if (args.isSet(VERIFY)) {
                out.println("verify: nothing to compare: this ran on the reference, which --verify compares with");
            }
            try (backend) {
                return operation.apply(backend);
            }
        }
        var verification = new Verification();
        // Closing the verifying wrapper closes the backend too.
        try (var verified = verification.wrap(backend)) {
            T result = operation.apply(verified);
            verification.report(out, backend.name(), path.apply(backend));
            return result;
        }
    }

    /**
     * {@link Backends#open}, with the command line's flag where the library's message offers the reference.
     *
     * @throws ConvclException when no OpenCL device can be had, saying to give {@code --device reference}
     */
    static Backend open(String spec) {
        try {
            return Backends.open(spec);
        } catch (ConvclException e) {
            if (!e.getMessage().contains(Devices.REFERENCE_HINT)) {
                throw e;
            }
            throw new ConvclException(inFlags(e.getMessage()));
        }
    }

    /** A library message in the command line's words: the flag, where it offers the reference. */
    static String inFlags(String message) {
        return message.replace(Devices.REFERENCE_HINT, "--device reference for the plain CPU implementation");
    }

    /** {@link #onBackend(Args, PrintStream, Function, Function)} for an operation with one way to run. */
    static <T> T onBackend(Args args, PrintStream out, Function<Backend, T> operation) {
        return onBackend(args, out, backend -> null, operation);
    }
}
