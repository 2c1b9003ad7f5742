package org.convcl.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.convcl.Backend;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.VerifyingBackend;

/**
 * What {@code --verify} checked: each operation the reference confirmed, and the largest differences found, so that
 * a success says what it rests on. A mismatch still fails the command through {@link VerifyingBackend}.
 */
final class Verification {
    /** The float32 bound, relative to the magnitude of each sum ({@link Tolerance}). */
    static final Tolerance TOLERANCE = Tolerance.FLOAT32;

    private final List<VerifyingBackend.Check> passed = new ArrayList<>();

    /** The largest element-wise differences between two tensors of one shape; see {@link #between}. */
    record Differences(double maxAbs, double maxRelative) {
    }

    /** {@code backend} checked against the reference within {@link #TOLERANCE}. */
    Backend wrap(Backend backend) {
        return new VerifyingBackend(backend, TOLERANCE, passed::add);
    }

    /** The differences of the last check that passed. */
    Differences lastDifferences() {
        var check = passed.get(passed.size() - 1);
        return between(check.got(), check.expected());
    }

    /**
     * One line per passed check: the operation, the device and, where known, the path it took, the output's shape
     * and element count, the tolerance, and the largest absolute and relative differences.
     *
     * @param path how the device ran it, or null where there is only one way
     */
    void report(PrintStream out, String device, String path) {
        for (var check : passed) {
            var d = between(check.got(), check.expected());
            out.println("verified " + check.op() + " on " + device + (path == null ? "" : " (" + path + ")")
                    + ": output " + check.expected().shapeString() + ", " + check.expected().size()
                    + " elements, each within " + bound(check.tolerance()) + " of the reference; largest |difference| "
                    + number(d.maxAbs()) + ", largest |difference| / |reference| " + number(d.maxRelative()));
        }
    }

    /** The tolerance as a reader checks it: {@code 1E-30 + 0.0001 * sum(|terms|) of the reference element}. */
    static String bound(Tolerance t) {
        return plain(t.atol()) + " + " + plain(t.rtol()) + " * sum(|terms|) of the reference element";
    }

    /** A difference to three significant digits, and 0 as 0. */
    static String number(double value) {
        return value == 0 ? "0" : String.format(Locale.ROOT, "%.3g", value);
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toString();
    }

    /**
     * The largest {@code |got - expected|} and {@code |got - expected| / |expected|} over the elements, skipping
     * those where both are the same NaN or infinity (which the tolerance accepts as equal) and, for the relative
     * difference, those where {@code expected} is 0.
     */
    static Differences between(Tensor got, Tensor expected) {
        float[] g = got.data(), e = expected.data();
        double maxAbs = 0, maxRelative = 0;
        for (int i = 0; i < e.length; i++) {
            if (Float.compare(g[i], e[i]) == 0 && !Float.isFinite(e[i])) {
                continue;
            }
            double diff = Math.abs((double) g[i] - e[i]);
            maxAbs = Math.max(maxAbs, diff);
            if (e[i] != 0) {
                maxRelative = Math.max(maxRelative, diff / Math.abs(e[i]));
            }
        }
        return new Differences(maxAbs, maxRelative);
    }
}
