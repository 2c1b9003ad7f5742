package org.convcl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.io.Npy;
import org.convcl.spark.example.NpyFolderJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's pipeline (conv2d 3x3 -> bias -> ReLU -> max-pool 2x2) on Spark's {@code local-cluster[2,1,1024]}: a
 * master, two workers and two executor JVMs, each with its own OpenCL backend. 10,000 28x28 images and 500 224x224
 * images come back in their rows' order, none lost or duplicated, and a seeded sample of each is checked against the
 * reference backend; the example job itself turns a folder of {@code .npy} files into Parquet that matches the
 * reference row for row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalClusterTest {
    private static final StructType FLOAT_IMAGES = new StructType().add("key", DataTypes.LongType, false)
            .add("image", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    private static final Conv2dParams EXAMPLE_CONV = Conv2dParams.DEFAULT.withPadding(1, 1);
    private static final Pool2dParams EXAMPLE_POOL = Pool2dParams.of(2, 2);

    @TempDir
    Path dir;

    private SparkSession spark;

    @BeforeAll
    void startCluster() {
        spark = ClusterSession.get();
    }

    @Test
    void tenThousand28x28ImagesComeBackInOrderAndMatchTheReference() throws IOException {
        runAndCheck(10_000, 28, 2, 64, 24);
    }

    @Test
    void fiveHundred224x224ImagesComeBackInOrderAndMatchTheReference() throws IOException {
        // The reference takes about 0.1 s per 224x224 image: a smaller sample keeps the test short.
        runAndCheck(500, 224, 1, 8, 8);
    }

    @Test
    void theExampleJobTurnsAFolderOfNpyFilesIntoParquetThatMatchesTheReference() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        var names = new TreeSet<String>();
        for (int i = 0; i < 40; i++) {
            String name = "digit" + i + ".npy";
            Npy.write(in.resolve(name), Tensor.seeded(100 + i).uniform(1, 28, 28));
            names.add(name);
        }
        var check = referenceCheck(3, 1);
        var job = exampleJob(in, dir.resolve("out.parquet"), check, 16);

        assertEquals(40, job.run(spark));

        var rows = spark.read().parquet(dir.resolve("out.parquet").toString()).collectAsList();
        var keys = new TreeSet<String>();
        for (Row row : rows) {
            String key = row.getString(0);
            keys.add(key);
            check.assertMatches(key, Npy.read(in.resolve(key)), floats(row.getList(1)));
        }
        assertEquals(40, rows.size(), "rows written");
        assertEquals(names, keys, "each file once");
        assertEquals(3, spark.sparkContext().statusTracker().getExecutorInfos().length,
                "the driver and two executors");
    }

    @Test
    void aFileOfAnotherShapeFailsTheExampleJobWithOneLineAndLeavesNoOutput() throws IOException {
        // The first file listed sets the job's image shape, so whichever it is, the other one is refused.
        Path in = Files.createDirectories(dir.resolve("mixed"));
        Npy.write(in.resolve("a.npy"), Tensor.seeded(1).uniform(1, 28, 28));
        Npy.write(in.resolve("b.npy"), Tensor.seeded(2).uniform(1, 27, 28));
        Path out = dir.resolve("mixed.parquet");
        var job = exampleJob(in, out, referenceCheck(3, 1), 16);

        var e = assertThrows(Exception.class, () -> job.run(spark));
        String message = ConvclSparkException.in(e).orElseThrow(() -> new AssertionError("no ConvCL error", e))
                .getMessage();
        assertTrue(message.matches("row '[ab].npy': image: shape \\[1, 2[78], 28\\] in the .npy bytes, but the"
                + " pipeline takes images \\(C, H, W\\) = \\[1, 2[78], 28\\]"), message);
        assertFalse(Files.exists(out), "a failed job leaves no output");
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".mixed.parquet")).toList(), "nor the folder it wrote into");
        }
    }

    /**
     * {@code count} seeded (1, size, size) images, made on the executors, through the example's pipeline; a seeded
     * sample of {@code sample} images, the first and the last checked against the reference.
     */
    private void runAndCheck(int count, int size, int filters, int batch, int sample) throws IOException {
        var check = referenceCheck(filters, 1);
        var pipeline = exampleJob(null, null, check, batch).pipeline(new int[] {1, size, size});
        Dataset<Row> images = spark.range(0, count, 1, 4).map((MapFunction<Long, Row>) key ->
                RowFactory.create(key, image(key, size).data()), Encoders.row(FLOAT_IMAGES));
        var checked = new TreeSet<Long>(List.of(0L, count - 1L));
        new Random(size).longs(sample, 0, count).forEach(checked::add);

        long start = System.nanoTime();
        Dataset<Row> results = ConvclSpark.apply(images, pipeline, ConvclSparkOptions.DEFAULT.withBatchSize(batch));
        var rows = results.select(functions.col("key"),
                functions.when(functions.col("key").isin(checked.toArray()), functions.col("output"))).collectAsList();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "local-cluster[2,1,1024]: %d (1, %d, %d) images in %.2f s, %.0f images/s%n",
                count, size, size, seconds, count / seconds);

        var keys = new ArrayList<Long>();
        for (Row row : rows) {
            long key = row.getLong(0);
            keys.add(key);
            if (checked.contains(key)) {
                check.assertMatches(key, image(key, size), floats(row.getList(1)));
            } else {
                assertNull(row.get(1), "only the sample's outputs are collected");
            }
        }
        assertEquals(LongStream.range(0, count).boxed().toList(), keys, "every key once, in the rows' order");
    }

    private static Tensor image(long key, int size) {
        return Tensor.seeded(key * 7919 + size).uniform(1, size, size);
    }

    /** The example's conv2d and pooling with a seeded weight (filters, channels, 3, 3) and bias of this test's. */
    private static ReferenceCheck referenceCheck(int filters, int channels) {
        return new ReferenceCheck(Tensor.seeded(filters).uniform(filters, channels, 3, 3),
                Tensor.seeded(filters + 1).uniform(filters), EXAMPLE_CONV, EXAMPLE_POOL);
    }

    private NpyFolderJob exampleJob(Path in, Path out, ReferenceCheck check, int batch) throws IOException {
        Path weight = dir.resolve("weight" + check.weight().dim(0) + ".npy");
        Path bias = dir.resolve("bias" + check.weight().dim(0) + ".npy");
        if (!Files.exists(weight)) {
            Npy.write(weight, check.weight());
            Npy.write(bias, check.bias());
        }
        return new NpyFolderJob(in, out, weight, bias, ConvclSparkOptions.DEFAULT.withBatchSize(batch));
    }

    static float[] floats(List<Object> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (Float) values.get(i);
        }
        return f;
    }
}
