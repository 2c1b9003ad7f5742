package org.convcl.opencl.runtime;

import java.util.function.Supplier;
import org.convcl.opencl.device.ConvclException;
import org.jocl.CL;
import org.jocl.CLException;

/**
 * The one bootstrap place of JOCL: loads the native library, turns on JOCL's exceptions, and wraps each call so a
 * failure surfaces as a {@link ConvclException} naming the call.
 */
public final class Cl {
    public static final String INSTALL_HINT = "install an OpenCL driver: on Debian or Ubuntu 'apt-get install pocl-opencl-icd'"
            + " (runs on the CPU), or your GPU vendor's OpenCL ICD";

    private static boolean initialized;

    /**
     * What to do when OpenCL reports no device: make the installed POCL able to start ({@link PoclCache}), or
     * install a driver.
     *
     * @return one clause for a message
     */
    public static String noDeviceHint() {
        String pocl = PoclCache.problem();
        return pocl != null ? pocl : INSTALL_HINT;
    }

    private Cl() {
    }

    public static synchronized void init() {
        if (initialized) {
            return;
        }
        try {
            CL.setExceptionsEnabled(true);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new ConvclException("cannot load the OpenCL library (libOpenCL.so.1) through JOCL: " + e.getMessage()
                    + "; " + INSTALL_HINT);
        }
        initialized = true;
    }

    public static <T> T call(String name, Supplier<T> call) {
        try {
            return call.get();
        } catch (CLException e) {
            throw new ConvclException(name, CL.stringFor_errorCode(e.getStatus()), null, e);
        } catch (UnsatisfiedLinkError e) {
            throw new ConvclException(name + ": the OpenCL library (libOpenCL.so.1) is missing; " + INSTALL_HINT);
        }
    }

    public static void run(String name, Runnable call) {
        call(name, () -> {
            call.run();
            return null;
        });
    }
}
