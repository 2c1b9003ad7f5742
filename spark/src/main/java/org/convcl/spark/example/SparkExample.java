package org.convcl.spark.example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.convcl.Tensor;
import org.convcl.io.FileErrors;
import org.convcl.io.Npy;
import org.convcl.spark.ConvclSparkException;
import org.convcl.spark.ConvclSparkOptions;

/**
 * {@code convcl spark-example}: runs {@link NpyFolderJob} on a Spark master ({@code local[2]} unless told), or
 * writes seeded sample images to run it on. Errors are one line on stderr and exit status 2. Thread safety: a
 * command-line entry point, run once per JVM.
 */
public final class SparkExample {
    private static final String USAGE = "usage: convcl spark-example IN_DIR OUT.parquet [--master M] [--device D]"
            + " [--batch N] [--weight W.npy] [--bias B.npy] [--reference-fallback]\n"
            + "       convcl spark-example --write-samples N [--size S] DIR   (N seeded (1, S, S) images, S = 28)";

    private SparkExample() {
    }

    /**
     * The command line.
     *
     * @param args as in the usage line
     */
    public static void main(String[] args) {
        try {
            run(new ArrayList<>(List.of(args)));
        } catch (IllegalArgumentException | ConvclSparkException e) {
            fail(e.getMessage());
        } catch (IOException e) {
            fail(FileErrors.describe(e));
        } catch (SparkException e) {
            fail(ConvclSparkException.in(e).map(Throwable::getMessage).orElse(e.getMessage()));
        }
    }

    private static void run(List<String> args) throws IOException, SparkException {
        if (args.contains("--help") || args.isEmpty()) {
            System.out.println(USAGE);
            return;
        }
        if (args.get(0).equals("--write-samples")) {
            args.remove(0);
            int count = positive("--write-samples", take(args, "--write-samples"));
            int size = positive("--size", option(args, "--size", "28"));
            Path dir = Path.of(single(args, "DIR"));
            writeSamples(dir, count, size);
            System.out.println("wrote " + count + " seeded (1, " + size + ", " + size + ") images to " + dir);
            return;
        }
        String master = option(args, "--master", "local[2]");
        var options = ConvclSparkOptions.DEFAULT.withDevice(option(args, "--device", null))
                .withBatchSize(positive("--batch", option(args, "--batch", "32")))
                .withReferenceFallback(args.remove("--reference-fallback"));
        String weight = option(args, "--weight", null);
        String bias = option(args, "--bias", null);
        if (args.size() != 2 || args.stream().anyMatch(a -> a.startsWith("--"))) {
            throw new IllegalArgumentException("arguments: " + args + "\n" + USAGE);
        }
        var job = new NpyFolderJob(Path.of(args.get(0)), Path.of(args.get(1)), weight == null ? null : Path.of(weight),
                bias == null ? null : Path.of(bias), options);
        // Before Spark starts, which takes seconds.
        job.checkOutput();
        SparkSession spark = SparkSession.builder().appName("convcl-spark-example").master(master)
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                // Small images are small files: counted at Spark's default cost of opening one (4 MB), 2,000 of them
                // make 60 partitions of 32 files; at their size, one partition per core.
                .config("spark.sql.files.openCostInBytes", "8192")
                .getOrCreate();
        try {
            long start = System.nanoTime();
            long images = job.run(spark);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "conv2d 3x3 + bias + ReLU + max-pool 2x2 on %s: %d images in %.1f s"
                    + " (%.0f images/s), Parquet in %s%n", master, images, seconds, images / seconds, job.output());
        } finally {
            spark.stop();
        }
    }

    private static void writeSamples(Path dir, int count, int size) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            Npy.write(dir.resolve(String.format(Locale.ROOT, "image%06d.npy", i)),
                    Tensor.seeded(i).uniform(1, size, size));
        }
    }

    private static String option(List<String> args, String flag, String otherwise) {
        int at = args.indexOf(flag);
        if (at < 0) {
            return otherwise;
        }
        args.remove(at);
        return take(args.subList(at, args.size()), flag);
    }

    private static String take(List<String> args, String flag) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(flag + ": a value is needed");
        }
        return args.remove(0);
    }

    private static int positive(String flag, String value) {
        if (!value.matches("[0-9]{1,9}") || Integer.parseInt(value) < 1) {
            throw new IllegalArgumentException(flag + ": '" + value + "' is not a whole number from 1 up");
        }
        return Integer.parseInt(value);
    }

    private static String single(List<String> args, String what) {
        if (args.size() != 1) {
            throw new IllegalArgumentException(what + ": one path is needed, got " + args + "\n" + USAGE);
        }
        return args.get(0);
    }

    private static void fail(String message) {
        System.err.println("convcl spark-example: " + message);
        System.exit(2);
    }
}
