package org.convcl.spark;

import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * The task of {@link ConvclSpark#apply}: runs the broadcast pipeline over one partition of (key, image) rows, in
 * batches, on this executor's backend for the task's device, opened on the first batch.
 */
final class PartitionConvolver implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<ConvPipeline> pipeline;
    private final ConvclSparkOptions options;
    private final ImageDecoder.Encoding encoding;

    PartitionConvolver(Broadcast<ConvPipeline> pipeline, ConvclSparkOptions options, ImageDecoder.Encoding encoding) {
        this.pipeline = pipeline;
        this.options = options;
        this.encoding = encoding;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        var task = TaskContext.get();
        ConvPipeline p = pipeline.value();
        String device = TaskDevices.forTask(task, options.device());
        return new RowBatches(rows, p, () -> ExecutorBackends.forSpec(device, options.referenceFallback()),
                new ImageDecoder(encoding, p.imageShape()), options.batchSize(), task == null ? 0 : task.partitionId());
    }
}
