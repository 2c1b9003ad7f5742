package org.convcl.opencl;

import org.convcl.kernels.Program;
import org.convcl.opencl.runtime.ClContext;

/**
 * Builds a program whose options draw a compiler warning (a macro defined twice), for a test that reads this
 * process's native stderr, where POCL's compiler would report it.
 */
public final class BuildWithWarning {
    private BuildWithWarning() {
    }

    public static void main(String[] args) {
        try (var cl = new ClContext(Devices.choose(null))) {
            cl.kernel(Program.TENSOR, "permute3", "-DLOCAL_SIZE=32 -DLOCAL_SIZE=64");
            System.out.println("built");
        }
    }
}
