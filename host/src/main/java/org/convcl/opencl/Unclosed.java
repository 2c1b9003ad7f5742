package org.convcl.opencl;

import java.lang.ref.Cleaner;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happens to backends and device tensors garbage-collected without {@code close()}: the cleaner releases their
 * OpenCL objects, and each kind is reported once per process, as its native memory is what the garbage collector
 * does not see.
 */
final class Unclosed {
    static final Cleaner CLEANER = Cleaner.create();
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private Unclosed() {
    }

    /** Logs a warning to {@code log}, the first time only for each {@code what}. */
    static void warnOnce(System.Logger log, String what, String advice) {
        if (WARNED.add(what)) {
            log.log(System.Logger.Level.WARNING, what + " was garbage-collected without close(); " + advice);
        }
    }
}
