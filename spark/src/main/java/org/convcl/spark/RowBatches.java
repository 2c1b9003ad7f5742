package org.convcl.spark;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.convcl.Backend;
import org.convcl.Tensor;

/**
 * A partition's results, in its rows' order: reads up to a batch of (key, image) rows, decodes their images into
 * one (N, C, H, W) tensor, runs the pipeline on it and hands out one (key, output) row per image, then reads the
 * next batch. Only one batch of a partition is held at a time.
 */
final class RowBatches implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final ConvPipeline pipeline;
    private final Supplier<Backend> backend;
    private final ImageDecoder decoder;
    private final int batchSize;
    private final int partition;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final float[] images;
    private final Object[] keys;
    private long rowsRead;

    RowBatches(Iterator<Row> rows, ConvPipeline pipeline, Supplier<Backend> backend, ImageDecoder decoder,
               int batchSize, int partition) {
        this.rows = rows;
        this.pipeline = pipeline;
        this.backend = backend;
        this.decoder = decoder;
        this.batchSize = batchSize;
        this.partition = partition;
        this.images = new float[Math.multiplyExact(batchSize, decoder.imageSize())];
        this.keys = new Object[batchSize];
    }

    @Override
    public boolean hasNext() {
        if (ready.isEmpty() && rows.hasNext()) {
            runBatch();
        }
        return !ready.isEmpty();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    private void runBatch() {
        int imageSize = decoder.imageSize();
        int n = 0;
        for (; n < batchSize && rows.hasNext(); n++) {
            Row row = rows.next();
            keys[n] = row.get(0);
            if (keys[n] == null) {
                throw new ConvclSparkException("row " + rowsRead + " of partition " + partition
                        + ": key: null; every row needs a key, which names it in the results");
            }
            decoder.decode("row '" + keys[n] + "'", row, 1, images, n * imageSize);
            rowsRead++;
        }
        int[] shape = pipeline.imageShape();
        var batch = new Tensor(n == batchSize ? images : Arrays.copyOf(images, n * imageSize), n, shape[0], shape[1],
                shape[2]);
        float[] out = run(batch, n).data();
        int outSize = out.length / n;
        for (int i = 0; i < n; i++) {
            ready.add(RowFactory.create(keys[i], Arrays.copyOfRange(out, i * outSize, (i + 1) * outSize)));
        }
    }

    private Tensor run(Tensor batch, int n) {
        Backend b = backend.get();
        try {
            return pipeline.apply(b, batch);
        } catch (RuntimeException e) {
            throw new ConvclSparkException(ExecutorBackends.executor() + ", " + b.name() + ": the batch of rows '"
                    + keys[0] + "' to '" + keys[n - 1] + "' failed: " + e.getMessage(), e);
        }
    }
}
