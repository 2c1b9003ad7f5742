package org.convcl.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
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
                new Args.Spec(Set.of(), Set.of()));
    }

    @Override
    public String usage() {
        return """
                usage: convcl devices

                Lists every OpenCL device with its index and limits; '*' marks the one used when no --device is
                given (set CONVCL_DEVICE to change it). --device also takes 'reference', the plain Java
                implementation that needs no OpenCL.
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
        String env = System.getenv(Backends.DEVICE_ENV);
        boolean referenceIsDefault = env != null && env.strip().toLowerCase(Locale.ROOT).equals(REFERENCE);
        List<DeviceInfo> devices = List.of();
        DeviceInfo chosen = null;
        try {
            devices = Devices.list();
            if (!referenceIsDefault) {
                chosen = Devices.choose(null);
            }
        } catch (ConvclException e) {
            out.println("no OpenCL device: " + Flags.inFlags(e.getMessage()));
        } catch (IllegalArgumentException e) {
            out.println(Backends.DEVICE_ENV + "=" + env + ": " + e.getMessage());
        }
        for (var device : devices) {
            out.println((chosen != null && device.index() == chosen.index() ? "* " : "  ") + device.describe());
        }
        out.println((referenceIsDefault ? "* " : "  ") + REFERENCE
                + ": the plain Java implementation, no OpenCL needed (--device reference)");
    }
}
