package dev.lanegrad.spark.score;

import java.io.Serializable;

/**
 * Where a partition's rows hold their input and what to write: resolved on the driver from the schema, shipped
 * with each task.
 *
 * @param inputIndex   the sequence column: array&lt;float&gt;, array&lt;array&lt;float&gt;&gt; or string
 * @param lengthsIndex the lengths column (int), or -1 when there is none
 * @param output       what to write
 * @param batchSize    rows per forward
 */
public record ScoringSpec(int inputIndex, int lengthsIndex, Output output, int batchSize) implements Serializable {

    public ScoringSpec {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ", expected >= 1");
        }
    }
}
