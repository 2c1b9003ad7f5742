package org.convcl.opencl;

import org.convcl.kernels.Program;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.device.ConvclException;

/**
 * Builds two programs whose defines break a kernel's {@code #error} checks, and prints each build's exception
 * message after a line {@code ---}. A test runs it in a process of its own, because POCL's compiler also counts the
 * errors ("1 error generated.") on the process's native stderr, which the test's terminal would show.
 */
public final class FailingBuilds {
    private FailingBuilds() {
    }

    public static void main(String[] args) {
        try (var cl = new ClContext(Devices.choose(null))) {
            for (var build : new String[][] {{"SGEMM", "-DMWG=30 -DMDIMC=4"}, {"SGEMM_BLOCKED", "-DVW=3"}}) {
                System.out.println("---");
                try {
                    cl.kernel(Program.valueOf(build[0]), "sgemm", build[1]);
                    System.out.println("built, which it should not have");
                } catch (ConvclException e) {
                    System.out.println(e.getMessage());
                }
            }
        }
    }
}
