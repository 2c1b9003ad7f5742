package org.convcl.bench;

/**
 * {@code convcl spark-example}: the Spark module's example job. The source tree's launcher hands every
 * {@code spark-example} command line to {@code org.convcl.spark.example.SparkExample} with Spark's class path, so
 * this command only lists it in {@code convcl --help} and explains it; run here, it says how to run it instead.
 */
public final class SparkExampleCommand extends LauncherCommand {
    public SparkExampleCommand() {
        super("spark-example", "run the Spark example job (conv, bias, ReLU, max-pool over a folder of .npy) on local[2]",
                """
                usage: ./convcl spark-example IN_DIR OUT.parquet [--master M] [--device D] [--batch N] ...

                Runs the Spark module's example job from the source tree: conv2d 3x3, bias, ReLU and 2x2 max pooling
                over every .npy image of IN_DIR on Spark (local[2] unless --master says otherwise), written as Parquet.
                ./convcl spark-example --help lists every option, including --write-samples to make sample images.
                """,
                "spark-example runs from the source tree's launcher with Spark on the class"
                + " path: ./convcl spark-example IN_DIR OUT.parquet (see './convcl spark-example --help')");
    }
}
