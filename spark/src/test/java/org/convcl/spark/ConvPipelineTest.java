package org.convcl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** The pipeline value: shapes checked as it is built, and everything it holds survives the trip to an executor. */
class ConvPipelineTest {
    private static final ReferenceCheck CHECK = new ReferenceCheck(Tensor.seeded(1).uniform(4, 2, 3, 3),
            Tensor.seeded(2).uniform(4), Conv2dParams.DEFAULT.withPadding(1, 1).withStride(2, 2),
            Pool2dParams.of(3, 3).withStride(2, 2));

    private static ConvPipeline pipeline() {
        return ConvPipeline.forImages(2, 13, 11).conv2d(CHECK.weight(), CHECK.conv()).withBias(CHECK.bias())
                .withActivation(Activation.relu()).withMaxPool(CHECK.pool());
    }

    @Test
    void theOutputShapeFollowsConvolutionThenPooling() {
        // conv: (13 + 2 - 3) / 2 + 1 = 7 by (11 + 2 - 3) / 2 + 1 = 6; pool 3x3 stride 2: 3 by 2
        assertArrayEquals(new int[] {4, 3, 2}, pipeline().outputShape());
        assertArrayEquals(new int[] {4, 7, 6},
                ConvPipeline.forImages(2, 13, 11).conv2d(CHECK.weight(), CHECK.conv()).outputShape());
    }

    @Test
    void eachStepIsCheckedAsItIsGiven() {
        var images = ConvPipeline.forImages(3, 8, 8);
        assertEquals("weight: dimension 1 is 2 but input channels / groups is 3 (input [1, 3, 8, 8], groups 1)",
                assertThrows(IllegalArgumentException.class, () -> images.conv2d(CHECK.weight(), CHECK.conv()))
                        .getMessage());
        assertEquals("pipeline: withBias needs conv2d(weight, params) first",
                assertThrows(IllegalArgumentException.class, () -> images.withBias(CHECK.bias())).getMessage());
        var conv = ConvPipeline.forImages(2, 8, 8).conv2d(CHECK.weight(), CHECK.conv());
        assertThrows(IllegalArgumentException.class, () -> conv.withBias(Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class, () -> conv.withMaxPool(Pool2dParams.of(9, 9)));
        assertEquals("height: 0, must be >= 1",
                assertThrows(IllegalArgumentException.class, () -> ConvPipeline.forImages(1, 0, 4)).getMessage());
    }

    @Test
    void aPipelineReadBackRunsAsTheReferenceSays() throws IOException, ClassNotFoundException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(pipeline());
        }
        ConvPipeline back;
        try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (ConvPipeline) in.readObject();
        }
        Tensor images = Tensor.seeded(3).uniform(2, 2, 13, 11);
        float[] out = back.apply(new ReferenceBackend(), images).data();
        int per = out.length / 2;
        for (int n = 0; n < 2; n++) {
            float[] image = new float[2 * 13 * 11];
            System.arraycopy(images.data(), n * image.length, image, 0, image.length);
            float[] got = new float[per];
            System.arraycopy(out, n * per, got, 0, per);
            CHECK.assertMatches("image " + n, new Tensor(image, 2, 13, 11), got);
        }
    }
}
