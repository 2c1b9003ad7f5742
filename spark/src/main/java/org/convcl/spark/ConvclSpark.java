package org.convcl.spark;

import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Applies a {@link ConvPipeline} to a Dataset of images, one image per row, on Spark's executors:
 *
 * <pre>{@code
 * Dataset<Row> results = ConvclSpark.apply(images, pipeline, ConvclSparkOptions.DEFAULT.withBatchSize(64));
 * // columns: key (as in images), output (array<float>: each image's (K, OH, OW) values in C order)
 * }</pre>
 *
 * <p>The pipeline, weights included, is broadcast once. Each task batches its partition's rows into (N, C, H, W)
 * tensors of the options' batch size and runs them on its executor's backend: one per device spec per executor JVM,
 * opened on first use, shared by the executor's tasks and closed when the JVM exits; a task that Spark's resource
 * scheduling gave GPUs runs on those. The results keep the rows' order, each with its row's key. A row that breaks a
 * rule fails the job with a {@link ConvclSparkException} naming the row's key and the rule, which
 * {@link ConvclSparkException#in} finds in the driver's {@code SparkException}.
 *
 * <p>Thread-safe: it keeps no state (Spark's own rules for sharing a session apply).
 */
public final class ConvclSpark {
    private ConvclSpark() {
    }

    /**
     * The pipeline's results for every row of {@code images}; lazy, as every Dataset transformation.
     *
     * @param images   rows with the options' key column (any type, no nulls) and image column: {@code array<float>}
     *                 of the pipeline's C*H*W values in C order, or {@code binary} holding a float32 {@code .npy}
     *                 file of shape (C, H, W)
     * @param pipeline what to apply to each image
     * @param options  the columns, the batch size, the device and whether to fall back to the reference
     * @return rows of the key and the output column ({@code array<float>}), in the order of {@code images}
     * @throws IllegalArgumentException when a column is missing or of another type, or the pipeline has no conv2d,
     *                                  naming the column or the rule
     */
    public static Dataset<Row> apply(Dataset<Row> images, ConvPipeline pipeline, ConvclSparkOptions options) {
        pipeline.outputShape();
        StructField key = field(images.schema(), options.keyColumn(), "key");
        StructField image = field(images.schema(), options.imageColumn(), "image");
        var resultSchema = new StructType(new StructField[] {
            new StructField(key.name(), key.dataType(), false, key.metadata()),
            new StructField(options.outputColumn(), DataTypes.createArrayType(DataTypes.FloatType, false), false,
                    Metadata.empty())});
        var broadcast = JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext()).broadcast(pipeline);
        return images.select(column(images, key), column(images, image)).mapPartitions(
                new PartitionConvolver(broadcast, options, encodingOf(image)), Encoders.row(resultSchema));
    }

    private static StructField field(StructType schema, String name, String role) {
        return Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException(role + ": no column '" + name + "' among " + Arrays.toString(
                        schema.fieldNames()) + " (ConvclSparkOptions.withColumns names the columns)"));
    }

    private static Column column(Dataset<Row> images, StructField field) {
        return images.col("`" + field.name().replace("`", "``") + "`");
    }

    private static ImageDecoder.Encoding encodingOf(StructField image) {
        if (image.dataType().equals(DataTypes.BinaryType)) {
            return ImageDecoder.Encoding.NPY_BYTES;
        }
        if (image.dataType() instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)) {
            return ImageDecoder.Encoding.FLOAT_ARRAY;
        }
        throw new IllegalArgumentException("image: column '" + image.name() + "' is " + image.dataType().simpleString()
                + "; it must be array<float> (cast an array of doubles with .cast(\"array<float>\")) or binary holding"
                + " .npy bytes");
    }
}
