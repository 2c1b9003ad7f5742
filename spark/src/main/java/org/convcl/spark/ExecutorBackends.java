package org.convcl.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.convcl.Backend;
import org.convcl.Backends;
import org.convcl.opencl.OpenClBackendProvider;
import org.convcl.reference.ReferenceBackend;

/**
 * The backends of this JVM (an executor, or the driver in local mode), one per device spec, opened on first use,
 * shared by every task (the backends are thread-safe: their calls run one at a time) and closed when the JVM exits.
 * Thread-safe.
 */
final class ExecutorBackends {
    private static final System.Logger LOG = System.getLogger("org.convcl.spark");
    private static final String REFERENCE = "reference";
    /** The key of the reference a fallback opened, apart from one a job asked for by name. */
    private static final String FALLBACK = "reference fallback";
    private static final Map<String, Backend> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorBackends::closeAll, "convcl-spark-backends"));
    }

    private ExecutorBackends() {
    }

    /**
     * This JVM's backend for {@code spec}, opened now if it is the first use.
     *
     * @param spec              a device spec, or null for {@code CONVCL_DEVICE} or the default OpenCL device
     * @param referenceFallback whether to run the reference where this JVM has no OpenCL device
     * @throws ConvclSparkException naming this executor when the device cannot be opened
     */
    static Backend forSpec(String spec, boolean referenceFallback) {
        String s = Backends.effectiveSpec(spec);
        if (!s.equals(REFERENCE)) {
            String missing = new OpenClBackendProvider().missingDevice();
            if (missing != null) {
                if (!referenceFallback) {
                    throw new ConvclSparkException(executor() + ": " + missing
                            + "; ConvclSparkOptions.withReferenceFallback(true) runs the reference there instead");
                }
                return OPEN.computeIfAbsent(FALLBACK, k -> {
                    LOG.log(System.Logger.Level.WARNING, executor() + ": " + missing
                            + "; running on the reference backend, as the job allows (withReferenceFallback)");
                    return new ReferenceBackend();
                });
            }
        }
        return OPEN.computeIfAbsent(s, ExecutorBackends::open);
    }

    private static Backend open(String spec) {
        try {
            return Backends.open(spec);
        } catch (RuntimeException e) {
            throw new ConvclSparkException(executor() + ": cannot open " + (spec.isEmpty() ? "the default device"
                    : "device '" + spec + "'") + ": " + e.getMessage(), e);
        }
    }

    /** The executor's name for errors: Spark's executor id ({@code driver} in local mode). */
    static String executor() {
        SparkEnv env = SparkEnv.get();
        return "executor " + (env == null ? "outside Spark" : env.executorId());
    }

    private static void closeAll() {
        for (Backend backend : OPEN.values()) {
            try {
                backend.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + backend.name() + " at exit failed", e);
            }
        }
    }
}
