package org.convcl.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The fixed benchmark suite, shared by {@code convcl bench} and the JMH benchmarks: {@link #DEFAULT} runs when no
 * cases are named, {@link #OPT_IN} only by name (the heaviest layers, 1.8 to 3.7 GFLOP each).
 */
public final class BenchSuite {
    /** The cases a plain {@code convcl bench} runs, in the order reports list them. */
    public static final List<BenchCase> DEFAULT = List.of(
            BenchCase.conv("seed_s2x1", 6, 5, 5, 5, 3, 2, 2, 1, 0, 1),
            BenchCase.conv("resnet_3x3_c64_56", 8, 64, 56, 64, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("resnet_3x3_c128_28", 8, 128, 28, 128, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("pointwise_1x1_c256_k1024_14", 8, 256, 14, 1024, 1, 1, 1, 1, 0, 1),
            // ResNet-50's bottleneck stages: the reducing 1x1 at 56 and 28, the 3x3 at 14, the reducing 1x1 at 7.
            BenchCase.conv("resnet50_1x1_c256_k64_56", 8, 256, 56, 64, 1, 1, 1, 1, 0, 1),
            BenchCase.conv("resnet50_1x1_c512_k128_28", 8, 512, 28, 128, 1, 1, 1, 1, 0, 1),
            BenchCase.conv("resnet50_3x3_c256_14", 8, 256, 14, 256, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("resnet50_1x1_c2048_k512_7", 8, 2048, 7, 512, 1, 1, 1, 1, 0, 1),
            // ResNet-50's last 3x3, deep channels on a 7x7 image, and its downsampling projection, a strided 1x1.
            BenchCase.conv("resnet50_3x3_c512_7", 8, 512, 7, 512, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("resnet50_1x1_s2_c512_k1024_28", 8, 512, 28, 1024, 1, 1, 2, 2, 0, 1),
            // A 5x5 with few filters over many channels, as in Inception's 5x5 branches.
            BenchCase.conv("inception_5x5_c192_k32_28", 8, 192, 28, 32, 5, 5, 1, 1, 2, 1),
            // The same over the block inputs of Inception's 4a (48 filters, 14x14) and 5b (128 filters over 832
            // channels of a 7x7 image: far more filters than input).
            BenchCase.conv("inception_5x5_c480_k48_14", 8, 480, 14, 48, 5, 5, 1, 1, 2, 1),
            BenchCase.conv("inception_5x5_c832_k128_7", 8, 832, 7, 128, 5, 5, 1, 1, 2, 1),
            // ResNeXt-50 (32x4d)'s grouped 3x3 at 28x28: 32 groups of 8 channels and 8 filters.
            BenchCase.conv("resnext_3x3_g32_c256_28", 8, 256, 28, 256, 3, 3, 1, 1, 1, 32),
            // DeepSpeech 2's first layer: a wide 41x11 window over one channel of a spectrogram (161 bins, 2 s).
            BenchCase.conv("deepspeech_41x11_s2_c1_k32", 4, 1, 161, 32, 41, 11, 2, 2, 20, 1).withWidth(200)
                    .withPadding(20, 5),
            BenchCase.conv("stem_7x7_s2_c3_224", 8, 3, 224, 64, 7, 7, 2, 2, 3, 1),
            BenchCase.conv("mnist_5x5_c1_k32_28", 64, 1, 28, 32, 5, 5, 1, 1, 0, 1),
            BenchCase.conv("depthwise_3x3_c256_28", 8, 256, 28, 256, 3, 3, 1, 1, 1, 256),
            // MobileNet v1's second depthwise layer: stride 2, 112 to 56.
            BenchCase.conv("mobilenet_dw_3x3_s2_c64_112", 8, 64, 112, 64, 3, 3, 2, 2, 1, 64),
            // Its depthwise layers at 14x14: many small planes.
            BenchCase.conv("mobilenet_dw_3x3_c512_14", 8, 512, 14, 512, 3, 3, 1, 1, 1, 512),
            // EfficientNet-B0's 5x5 depthwise at stride 2 (its stage 4 input, 28 to 14), and ConvNeXt-T's 7x7
            // depthwise at 28x28 (its stage 2).
            BenchCase.conv("efficientnet_dw_5x5_s2_c240_28", 8, 240, 28, 240, 5, 5, 2, 2, 2, 240),
            BenchCase.conv("convnext_dw_7x7_c192_28", 8, 192, 28, 192, 7, 7, 1, 1, 3, 192),
            // ResNet's pooling after the stem, and an average pooling that halves a late feature map.
            BenchCase.pool("maxpool_3x3_s2_p1_c64_112", BenchCase.Kind.MAX_POOL, 8, 64, 112, 3, 2, 1),
            BenchCase.pool("avgpool_2x2_s2_c256_28", BenchCase.Kind.AVG_POOL, 8, 256, 28, 2, 2, 0),
            BenchCase.sgemm(256),
            BenchCase.sgemm(512),
            BenchCase.sgemm(1024),
            BenchCase.sgemm(2048));

    /** Heavier cases, run only when named: one image of VGG-16 (3.7 GFLOP each). */
    public static final List<BenchCase> OPT_IN = List.of(
            BenchCase.conv("vgg_3x3_c64_224", 1, 64, 224, 64, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("vgg_3x3_c128_112", 1, 128, 112, 128, 3, 3, 1, 1, 1, 1));

    /** Every case, default then opt-in. */
    public static final List<BenchCase> ALL = Stream.concat(DEFAULT.stream(), OPT_IN.stream()).toList();

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

    /**
     * The cases a comma-separated list names, in the order named (a repeated name runs once); null or blank selects
     * {@link #DEFAULT}.
     */
    public static List<BenchCase> select(String names) {
        if (names == null || names.isBlank()) {
            return DEFAULT;
        }
        var chosen = new ArrayList<BenchCase>();
        for (String n : names.split(",")) {
            var c = byName(n.trim());
            if (!chosen.contains(c)) {
                chosen.add(c);
            }
        }
        return chosen;
    }
}
