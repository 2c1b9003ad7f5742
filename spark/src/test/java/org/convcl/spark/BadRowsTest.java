package org.convcl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad rows on the cluster's executors: each fails the job with one line naming the row's key and the rule, which the
 * driver finds in Spark's exception; so does a device the executors lack, naming the executor. A column of the wrong
 * type is refused on the driver before any task.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadRowsTest {
    private static final int[] IMAGE = {1, 6, 6};
    private static final ReferenceCheck CHECK = new ReferenceCheck(Tensor.seeded(1).uniform(3, 1, 3, 3),
            Tensor.seeded(2).uniform(3), Conv2dParams.DEFAULT.withPadding(1, 1), Pool2dParams.of(2, 2));
    private static final ConvPipeline PIPELINE = ConvPipeline.forImages(IMAGE[0], IMAGE[1], IMAGE[2])
            .conv2d(CHECK.weight(), CHECK.conv()).withBias(CHECK.bias()).withActivation(Activation.relu())
            .withMaxPool(CHECK.pool());
    private static final ConvclSparkOptions OPTIONS = ConvclSparkOptions.DEFAULT.withBatchSize(2);

    @TempDir
    Path dir;

    private SparkSession spark;

    @BeforeAll
    void start() {
        spark = ClusterSession.get();
    }

    @Test
    void theSameRowsWithoutAFaultRunAndMatchTheReference() {
        var rows = new ArrayList<Row>();
        for (int i = 0; i < 5; i++) {
            rows.add(RowFactory.create("img" + i, image(i).data()));
        }
        var results = ConvclSpark.apply(floatImages(rows), PIPELINE, OPTIONS).collectAsList();

        assertEquals(5, results.size());
        for (int i = 0; i < 5; i++) {
            assertEquals("img" + i, results.get(i).getString(0), "row order");
            CHECK.assertMatches("img" + i, image(i), LocalClusterTest.floats(results.get(i).getList(1)));
        }
    }

    @Test
    void aDeviceTheExecutorsLackFailsTheJobWithOneLineNamingTheExecutor() {
        var images = floatImages(List.of(RowFactory.create("img0", image(0).data())));
        String message = failure(ConvclSpark.apply(images, PIPELINE, OPTIONS.withDevice("no-such-device")));
        assertTrue(message.matches("executor \\d+: cannot open device 'no-such-device': device: no OpenCL device"
                + " matches 'no-such-device' .*"), message);
    }

    @Test
    void aNullKeyIsNamedByItsPlaceInThePartition() {
        var rows = List.of(RowFactory.create("ok", image(0).data()), RowFactory.create(null, image(1).data()));
        assertEquals("row 1 of partition 0: key: null; every row needs a key, which names it in the results",
                failure(ConvclSpark.apply(floatImages(rows), PIPELINE, OPTIONS)));
    }

    @Test
    void floatArraysOfTheWrongSizeOrWithNullsAreRefusedNamingTheRow() {
        float[] short1 = Arrays.copyOf(image(0).data(), 35);
        assertEquals("row 'short': image: 35 values, but the pipeline takes images (C, H, W) = [1, 6, 6], 36 values"
                + " in C order", failure(ConvclSpark.apply(floatImages(List.of(RowFactory.create("short", short1))),
                PIPELINE, OPTIONS)));
        assertEquals("row 'none': image: null; every row needs an image (C, H, W) = [1, 6, 6]",
                failure(ConvclSpark.apply(floatImages(List.of(RowFactory.create("none", null))), PIPELINE, OPTIONS)));
        var withNull = new ArrayList<Float>();
        for (float v : image(0).data()) {
            withNull.add(v);
        }
        withNull.set(7, null);
        var images = spark.createDataFrame(List.of(RowFactory.create("hole", withNull.toArray())),
                schema(DataTypes.createArrayType(DataTypes.FloatType, true)));
        assertEquals("row 'hole': image: element 7 is null", failure(ConvclSpark.apply(images, PIPELINE, OPTIONS)));
    }

    @Test
    void npyBytesOfAnotherShapeOrDtypeAreRefusedNamingTheRow() throws IOException {
        Path wrongShape = dir.resolve("shape.npy");
        Npy.write(wrongShape, Tensor.seeded(3).uniform(1, 6, 5));
        Path int64 = dir.resolve("int64.npy");
        Npy.writeInt64(int64, new long[36], IMAGE);
        Path good = dir.resolve("good.npy");
        Npy.write(good, image(0));
        StructType binary = schema(DataTypes.BinaryType);

        String shape = failure(ConvclSpark.apply(spark.createDataFrame(List.of(
                RowFactory.create("a.npy", Files.readAllBytes(good)),
                RowFactory.create("b.npy", Files.readAllBytes(wrongShape))), binary).coalesce(1), PIPELINE, OPTIONS));
        assertEquals("row 'b.npy': image: shape [1, 6, 5] in the .npy bytes, but the pipeline takes images (C, H, W) ="
                + " [1, 6, 6]", shape);
        String dtype = failure(ConvclSpark.apply(spark.createDataFrame(List.of(
                RowFactory.create("c.npy", Files.readAllBytes(int64))), binary), PIPELINE, OPTIONS));
        assertTrue(dtype.startsWith("row 'c.npy': image: ") && dtype.contains("<i8") && dtype.contains("float32"),
                dtype);
    }

    @Test
    void aColumnOfAnotherTypeIsRefusedOnTheDriverBeforeAnyTask() {
        var doubles = spark.createDataFrame(List.of(RowFactory.create("d", new double[36])),
                schema(DataTypes.createArrayType(DataTypes.DoubleType, false)));
        var e = assertThrows(IllegalArgumentException.class, () -> ConvclSpark.apply(doubles, PIPELINE, OPTIONS));
        assertTrue(e.getMessage().startsWith("image: column 'image' is array<double>; it must be array<float>"),
                e.getMessage());
        var renamed = floatImages(List.of()).withColumnRenamed("key", "id");
        var missing = assertThrows(IllegalArgumentException.class, () -> ConvclSpark.apply(renamed, PIPELINE,
                OPTIONS));
        assertTrue(missing.getMessage().startsWith("key: no column 'key' among [id, image]"), missing.getMessage());
    }

    /** The one line the driver gets for a failed job: the ConvCL error inside Spark's exception. */
    private static String failure(Dataset<Row> results) {
        var e = assertThrows(SparkException.class, results::collectAsList);
        String message = ConvclSparkException.in(e).orElseThrow(() -> new AssertionError("no ConvCL error in", e))
                .getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    private Dataset<Row> floatImages(List<Row> rows) {
        return spark.createDataFrame(rows, schema(DataTypes.createArrayType(DataTypes.FloatType, false))).coalesce(1);
    }

    private static StructType schema(DataType image) {
        return new StructType().add("key", DataTypes.StringType, true).add("image", image, true);
    }

    private static Tensor image(int seed) {
        return Tensor.seeded(100 + seed).uniform(IMAGE);
    }
}
