package dev.lanegrad.spark;

import dev.lanegrad.spark.score.SequenceModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models loaded in this JVM (an executor, or the driver in local mode), by the checkpoint's SHA-256:
 * every task of every job that scores with the same bytes shares one loaded, immutable model.
 */
public final class ExecutorModels {

    private static final Map<String, SequenceModel> LOADED = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The model of these bytes, loaded on first use in this JVM. */
    public static SequenceModel get(ModelBytes bytes) {
        SequenceModel m = LOADED.get(bytes.sha256());
        if (m != null) {
            return m;
        }
        return LOADED.computeIfAbsent(bytes.sha256(), h -> {
            LOADS.incrementAndGet();
            return CheckpointAdapter.load(bytes);
        });
    }

    /** How many times a checkpoint was loaded in this JVM (tests check that it is once per checkpoint). */
    public static int loads() {
        return LOADS.get();
    }
}
