package org.convcl.spark.example;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.io.Npy;
import org.convcl.spark.ConvPipeline;
import org.convcl.spark.ConvclSpark;
import org.convcl.spark.ConvclSparkOptions;

/**
 * The example job: conv2d (3x3, padding 1) -> bias -> ReLU -> 2x2 max pooling over every {@code .npy} image of a
 * folder, each of shape (C, H, W), written as Parquet with columns {@code key} (the file's name) and {@code output}
 * (the image's (K, H/2, W/2) features in C order). The weight and bias are {@code .npy} files, or seeded ones with 8
 * filters. Thread safety: its methods keep no state; Spark's rules for sharing a session apply.
 *
 * @param input   the folder of {@code .npy} images, all of one shape
 * @param output  where the Parquet goes; must not exist, and does not after a failed job
 * @param weight  (K, C, 3, 3); null for seeded values with K = 8
 * @param bias    (K); null for seeded values
 * @param options the batch size, device and fallback
 */
public record NpyFolderJob(Path input, Path output, Path weight, Path bias, ConvclSparkOptions options) {
    private static final int SEEDED_FILTERS = 8;
    private static final long WEIGHT_SEED = 2;
    private static final long BIAS_SEED = 3;
    /** How long a failed job waits for the executors to stop its other tasks before it deletes what they wrote. */
    private static final long STOP_WAIT_NANOS = 10_000_000_000L;

    /**
     * The pipeline for the input folder's images.
     *
     * @param imageShape (C, H, W) of the images
     * @return conv2d 3x3 padding 1 with the weight and bias, ReLU, max pool 2x2
     * @throws IOException when a weight or bias file cannot be read
     */
    public ConvPipeline pipeline(int[] imageShape) throws IOException {
        Tensor w = weight == null ? Tensor.seeded(WEIGHT_SEED).uniform(SEEDED_FILTERS, imageShape[0], 3, 3)
                : Npy.read(weight);
        Tensor b = bias == null ? Tensor.seeded(BIAS_SEED).uniform(w.dim(0)) : Npy.read(bias);
        return ConvPipeline.forImages(imageShape[0], imageShape[1], imageShape[2])
                .conv2d(w, Conv2dParams.DEFAULT.withPadding(1, 1))
                .withBias(b)
                .withActivation(Activation.relu())
                .withMaxPool(Pool2dParams.of(2, 2));
    }

    /**
     * Runs the job.
     *
     * @param spark the session
     * @return the number of images written
     * @throws IOException              when the folder or a weight file cannot be read
     * @throws IllegalArgumentException when the input is no folder or holds no {@code .npy} file, or a file or
     *                                  argument breaks a rule
     */
    public long run(SparkSession spark) throws IOException {
        if (!Files.isDirectory(input)) {
            throw new IllegalArgumentException("input: " + input + " is not a folder");
        }
        checkOutput();
        Path first;
        try (Stream<Path> files = Files.list(input)) {
            first = files.filter(f -> f.getFileName().toString().endsWith(".npy")).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("input: no .npy file in " + input));
        }
        ConvPipeline pipeline = pipeline(Npy.shape(first));
        Dataset<Row> images = spark.read().format("binaryFile").option("pathGlobFilter", "*.npy")
                .load(input.toAbsolutePath().toString())
                .select(functions.regexp_extract(functions.col("path"), "[^/]*$", 0).as(options.keyColumn()),
                        functions.col("content").as(options.imageColumn()));
        // Written beside the output and moved into place whole: when a task fails, tasks still running on other
        // executors keep writing for a moment after the job has failed, and would recreate a folder deleted now.
        Path staging = output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".writing-"
                + UUID.randomUUID());
        // A job group whose cancellation interrupts its tasks: a failed job's other tasks then stop at once
        // instead of running to the end of their partitions.
        String group = staging.getFileName().toString();
        spark.sparkContext().setJobGroup(group, "convcl example job", true);
        try {
            ConvclSpark.apply(images, pipeline, options).write().parquet(staging.toString());
        } catch (Throwable e) {
            // Spark's own failures are checked exceptions to Java, though nothing declares them: caught here too.
            spark.sparkContext().cancelJobGroup(group);
            discard(spark, staging, e);
            throw e;
        } finally {
            spark.sparkContext().clearJobGroup();
        }
        Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
        // From the Parquet footers: counts what was written without running the job again.
        return spark.read().parquet(output.toAbsolutePath().toString()).count();
    }

    /**
     * Checks that the output path is free, as the job needs it.
     *
     * @throws IllegalArgumentException when something, even a dangling link, is there
     */
    public void checkOutput() {
        if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("output: " + output + " exists; name a new path");
        }
    }

    /**
     * Deletes what a failed write left, once the executors have stopped the job's remaining tasks (a few seconds at
     * most); what cannot be deleted is added to the job's failure rather than replacing it.
     */
    private static void discard(SparkSession spark, Path staging, Throwable failure) {
        long deadline = System.nanoTime() + STOP_WAIT_NANOS;
        var tracker = spark.sparkContext().statusTracker();
        while (Arrays.stream(tracker.getExecutorInfos()).anyMatch(e -> e.numRunningTasks() > 0)
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            deleteTree(staging);
        } catch (IOException | UncheckedIOException e) {
            failure.addSuppressed(e);
        }
    }

    /** A folder and everything in it, if it exists. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
