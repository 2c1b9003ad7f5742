package org.convcl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * An executor without OpenCL, as this JVM is (the build runs this class with an OpenCL loader that finds no driver):
 * it runs the reference only when the job allows it, and otherwise fails with one line naming the executor and the
 * way out. The partition's rows go through the executor's path (decoding, batching, the shared backend) as a task
 * would send them.
 */
class ExecutorBackendsWithoutOpenClTest {
    private static final ReferenceCheck CHECK = new ReferenceCheck(Tensor.seeded(1).uniform(3, 2, 3, 3),
            Tensor.seeded(2).uniform(3), Conv2dParams.DEFAULT.withPadding(1, 1), Pool2dParams.of(2, 2));

    @Test
    void withoutTheFallbackTheErrorIsOneLineNamingTheExecutorAndTheWayOut() {
        for (String spec : new String[] {null, "gpu", "0"}) {
            String message = assertThrows(ConvclSparkException.class, () -> ExecutorBackends.forSpec(spec, false))
                    .getMessage();
            assertTrue(message.startsWith("executor outside Spark: no OpenCL device was found; install"), message);
            assertTrue(message.endsWith("ConvclSparkOptions.withReferenceFallback(true) runs the reference there"
                    + " instead"), message);
            assertFalse(message.contains("\n"), message);
        }
    }

    @Test
    void withTheFallbackAPartitionRunsOnTheSharedReference() {
        var backend = ExecutorBackends.forSpec(null, true);
        assertTrue(backend instanceof ReferenceBackend, backend.name());
        assertSame(backend, ExecutorBackends.forSpec("gpu", true), "one backend per JVM");

        var pipeline = ConvPipeline.forImages(2, 7, 9).conv2d(CHECK.weight(), CHECK.conv()).withBias(CHECK.bias())
                .withActivation(Activation.relu()).withMaxPool(CHECK.pool());
        var rows = new ArrayList<Row>();
        for (int i = 0; i < 5; i++) {
            rows.add(RowFactory.create((long) i, image(i).data()));
        }
        var results = new RowBatches(rows.iterator(), pipeline, () -> ExecutorBackends.forSpec(null, true),
                new ImageDecoder(ImageDecoder.Encoding.FLOAT_ARRAY, pipeline.imageShape()), 2, 0);
        for (int i = 0; i < 5; i++) {
            Row row = results.next();
            assertEquals((long) i, row.get(0), "row order");
            CHECK.assertMatches(i, image(i), (float[]) row.get(1));
        }
        assertFalse(results.hasNext());
    }

    private static Tensor image(int seed) {
        return Tensor.seeded(10 + seed).uniform(2, 7, 9);
    }
}
