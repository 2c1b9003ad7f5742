package org.convcl.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fixed benchmark suite, shared by {@code convcl bench} and the JMH benchmarks. */
public final class BenchSuite {
    /** Every case, in the order reports list them. */
    public static final List<BenchCase> ALL = List.of(
            BenchCase.conv("seed_s2x1", 6, 5, 5, 5, 3, 2, 2, 1, 0, 1),
            BenchCase.conv("resnet_3x3_c64_56", 8, 64, 56, 64, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("resnet_3x3_c128_28", 8, 128, 28, 128, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("pointwise_1x1_c256_k1024_14", 8, 256, 14, 1024, 1, 1, 1, 1, 0, 1),
            BenchCase.conv("stem_7x7_s2_c3_224", 8, 3, 224, 64, 7, 7, 2, 2, 3, 1),
            BenchCase.conv("mnist_5x5_c1_k32_28", 64, 1, 28, 32, 5, 5, 1, 1, 0, 1),
            BenchCase.conv("depthwise_3x3_c256_28", 8, 256, 28, 256, 3, 3, 1, 1, 1, 256),
            BenchCase.sgemm(256),
            BenchCase.sgemm(512),
            BenchCase.sgemm(1024),
            BenchCase.sgemm(2048));

    private static final Map<String, BenchCase> BY_NAME = new LinkedHashMap<>();

    static {
        ALL.forEach(c -> BY_NAME.put(c.name(), c));
    }

    private BenchSuite() {
    }

    public static BenchCase byName(String name) {
        var c = BY_NAME.get(name);
        if (c == null) {
            throw new IllegalArgumentException("suite: no case '" + name + "'; cases are " + String.join(", ", BY_NAME.keySet()));
        }
        return c;
    }

    /** The cases a comma-separated list names, in suite order; null or blank selects all. */
    public static List<BenchCase> select(String names) {
        if (names == null || names.isBlank()) {
            return ALL;
        }
        var chosen = new ArrayList<BenchCase>();
        for (String n : names.split(",")) {
            var c = byName(n.trim());
            if (!chosen.contains(c)) {
                chosen.add(c);
            }
        }
        chosen.sort((a, b) -> ALL.indexOf(a) - ALL.indexOf(b));
        return chosen;
    }
}
