package org.convcl.spark;

import java.io.Serializable;

/**
 * How {@link ConvclSpark#apply} reads its rows and where its executors run them:
 * <ul>
 * <li>the input columns: the row's key (any type, carried to the result unchanged) and its image, either an
 * {@code array<float>} of C*H*W values in C order or {@code binary} holding a float32 {@code .npy} file of shape
 * (C, H, W); the result's array column;</li>
 * <li>the batch size: how many rows of a partition go to the device as one NCHW tensor;</li>
 * <li>the device spec, as {@code convcl --device} takes it ({@code gpu}, an index, {@code 0,1}, {@code all},
 * {@code reference}...); none means the executor's {@code CONVCL_DEVICE}, else its default OpenCL device. A task
 * that Spark's resource scheduling gave GPUs ({@code spark.task.resource.gpu.amount}) runs on those instead;</li>
 * <li>the reference fallback: whether an executor without OpenCL runs the plain Java reference (slowly) instead of
 * failing the job.</li>
 * </ul>
 * Immutable, so thread-safe. Serialized only to reach the executors of the same build; every value is checked
 * again when read back.
 *
 * @param keyColumn         the input column naming each row
 * @param imageColumn       the input column holding each row's image
 * @param outputColumn      the result's column of arrays
 * @param batchSize         the images per device call, {@code >= 1}
 * @param device            the device spec; null for each executor's default
 * @param referenceFallback whether an executor without OpenCL runs the reference
 * @serial exclude
 */
public record ConvclSparkOptions(String keyColumn, String imageColumn, String outputColumn, int batchSize,
                                 String device, boolean referenceFallback) implements Serializable {
    /** Columns {@code key}, {@code image} and {@code output}, batches of 32, the default device, no fallback. */
    public static final ConvclSparkOptions DEFAULT = new ConvclSparkOptions("key", "image", "output", 32, null, false);

    /**
     * Checks every value.
     *
     * @param keyColumn         the input column naming each row
     * @param imageColumn       the input column holding each row's image
     * @param outputColumn      the result's column of arrays
     * @param batchSize         the images per device call, {@code >= 1}
     * @param device            the device spec; null for each executor's default
     * @param referenceFallback whether an executor without OpenCL runs the reference
     * @throws IllegalArgumentException when a column name is null or blank, the output's name is the key's, the
     *                                  batch size is below 1 or the device spec is blank
     */
    public ConvclSparkOptions {
        requireName("key", keyColumn);
        requireName("image", imageColumn);
        requireName("output", outputColumn);
        if (outputColumn.equals(keyColumn)) {
            throw new IllegalArgumentException("output: '" + outputColumn + "' is the key column's name too");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: " + batchSize + ", must be >= 1");
        }
        if (device != null && device.isBlank()) {
            throw new IllegalArgumentException("device: blank; give null for the executor's default device");
        }
    }

    /**
     * The columns read and written.
     *
     * @param key    the input column that names each row, kept in the result
     * @param image  the input column holding each row's image
     * @param output the result's column of {@code array<float>}, each row's (K, OH, OW) values in C order
     * @return options with those columns
     * @throws IllegalArgumentException when a name is null or blank, or the output's name is the key's
     */
    public ConvclSparkOptions withColumns(String key, String image, String output) {
        return new ConvclSparkOptions(key, image, output, batchSize, device, referenceFallback);
    }

    /**
     * The number of images per device call; the last batch of a partition may be smaller.
     *
     * @param images images per batch, {@code >= 1}
     * @return options with that batch size
     * @throws IllegalArgumentException when {@code images < 1}
     */
    public ConvclSparkOptions withBatchSize(int images) {
        return new ConvclSparkOptions(keyColumn, imageColumn, outputColumn, images, device, referenceFallback);
    }

    /**
     * The devices each executor opens, unless Spark gave the task GPUs.
     *
     * @param spec a device spec as {@code convcl --device} takes it; null for the executor's default
     * @return options with that device
     * @throws IllegalArgumentException when {@code spec} is blank
     */
    public ConvclSparkOptions withDevice(String spec) {
        return new ConvclSparkOptions(keyColumn, imageColumn, outputColumn, batchSize, spec, referenceFallback);
    }

    /**
     * Whether an executor where no OpenCL device can be found runs on the reference backend (with a logged warning)
     * instead of failing the job with an error saying so.
     *
     * @param fallback true to fall back
     * @return options with that choice
     */
    public ConvclSparkOptions withReferenceFallback(boolean fallback) {
        return new ConvclSparkOptions(keyColumn, imageColumn, outputColumn, batchSize, device, fallback);
    }

    private static void requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + ": a column name is needed, got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
    }
}
