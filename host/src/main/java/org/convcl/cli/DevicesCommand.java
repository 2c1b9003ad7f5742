package org.convcl.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.convcl.Backends;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.Devices;

/** {@code convcl devices}: every OpenCL device, the default marked, and the reference backend. */
final class DevicesCommand extends AbstractCommand {
    private static final String REFERENCE = "reference";
    /** Set by the launcher of a {@code convcl dist} bundle: which OpenCL loader and drivers it chose, and why. */
    private static final List<String> LAUNCHER_CHOICES = List.of("CONVCL_OPENCL_LIBRARY", "CONVCL_OPENCL_VENDORS");

    DevicesCommand() {
        super("devices", "list the OpenCL devices and mark the default one",
                new Args.Spec(Set.of(Flags.DEVICE), Set.of()));
    }

    @Override
    public String usage() {
        return """
                usage: convcl devices [--device D]

                Lists every OpenCL device with its index and limits; '*' marks the one used when no --device is
                given (set CONVCL_DEVICE to change it), or those --device D selects: one, or several that share
                each batch ('all', a list such as 0,1, or gpu* for every GPU). --device also takes 'reference',
                the plain Java implementation that needs no OpenCL.
                """;
    }

    @Override
    public void run(Args args, PrintStream out) {
        for (String name : LAUNCHER_CHOICES) {
            String choice = System.getenv(name);
            if (choice != null) {
                out.println(name + ": " + choice);
            }
        }
        String spec = args.value(Flags.DEVICE);
        boolean reference = Backends.effectiveSpec(spec).equals(REFERENCE);
        List<DeviceInfo> devices = List.of();
        List<DeviceInfo> chosen = List.of();
        try {
            devices = Devices.list();
            if (!reference) {
                chosen = Devices.chooseAll(spec);
            }
        } catch (ConvclException e) {
            out.println("no OpenCL device: " + Flags.inFlags(e.getMessage()));
        } catch (IllegalArgumentException e) {
            if (spec != null) {
                throw e;
            }
            out.println(Backends.DEVICE_ENV + "=" + System.getenv(Backends.DEVICE_ENV) + ": " + e.getMessage());
        }
        for (var device : devices) {
            boolean marked = chosen.stream().anyMatch(c -> c.index() == device.index());
            out.println((marked ? "* " : "  ") + device.describe());
        }
        out.println((reference ? "* " : "  ") + REFERENCE
                + ": the plain Java implementation, no OpenCL needed (--device reference)");
    }
}
