package org.convcl.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session of this test JVM, shared by its test classes: {@code local-cluster[2,1,1024]}, a master, two
 * workers and two executor JVMs, each with its own OpenCL backend. Spark stops it when the JVM exits.
 *
 * <p>Executors start as in Spark's own tests: with {@code spark.testing} set they get this JVM's class path, and the
 * worker takes {@code spark.test.home} for SPARK_HOME, here a folder with an empty {@code jars/} (no Spark
 * distribution: the classes come from the Maven artifacts on the class path).
 */
final class ClusterSession {
    private static SparkSession session;

    private ClusterSession() {
    }

    static synchronized SparkSession get() {
        if (session == null) {
            session = start();
        }
        return session;
    }

    private static SparkSession start() {
        Path home;
        try {
            home = Files.createDirectories(Path.of("target", "spark-test-home", "jars")).getParent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", home.toAbsolutePath().toString());
        return SparkSession.builder().appName("convcl-spark-tests").master("local-cluster[2,1,1024]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                // A bad row fails its job at once: the tests check the error, and a retry would only repeat it.
                .config("spark.task.maxFailures", "1")
                // The launcher of executor JVMs asks for the Scala version where a distribution would tell it.
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                // Executors start sooner on two busy cores without the optimising compiler; the work is OpenCL's.
                .config("spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1")
                .getOrCreate();
    }
}
