package dev.lanegrad.spark.score;

import dev.lanegrad.spark.ExecutorModels;
import dev.lanegrad.spark.ModelBytes;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Scores one partition: rows in, the same rows with the output appended as a last column out, in order.
 * The model comes from {@link ExecutorModels} (loaded once per executor JVM from the broadcast bytes); rows go
 * through it {@code batchSize} at a time. For RDD users: {@code rdd.mapPartitions(new PartitionScorer(...))}.
 */
public final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row>, MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final Broadcast<ModelBytes> model;
    private final ScoringSpec spec;

    public PartitionScorer(Broadcast<ModelBytes> model, ScoringSpec spec) {
        this.model = model;
        this.spec = spec;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        SequenceModel m = ExecutorModels.get(model.value());
        m.checkOutput(spec.output());
        return new Iterator<>() {
            private final List<Row> inputs = new ArrayList<>(spec.batchSize());
            private final SeriesBatch series = new SeriesBatch(m.features());
            private final List<String> texts = new ArrayList<>(spec.batchSize());
            private Object[] results = new Object[0];
            private int next;

            @Override
            public boolean hasNext() {
                if (next < inputs.size()) {
                    return true;
                }
                fill();
                return !inputs.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row in = inputs.get(next);
                Object[] values = new Object[in.length() + 1];
                for (int i = 0; i < in.length(); i++) {
                    values[i] = in.get(i);
                }
                values[in.length()] = results[next];
                next++;
                return RowFactory.create(values);
            }

            private void fill() {
                inputs.clear();
                series.clear();
                texts.clear();
                next = 0;
                while (inputs.size() < spec.batchSize() && rows.hasNext()) {
                    Row r = rows.next();
                    inputs.add(r);
                    if (m.input() == SequenceModel.Input.TEXT) {
                        texts.add(RowValues.text(r, spec.inputIndex()));
                    } else {
                        RowValues.addSeries(r, spec, m.features(), series);
                    }
                }
                if (!inputs.isEmpty()) {
                    results = m.score(texts, series, spec.output());
                }
            }
        };
    }
}
