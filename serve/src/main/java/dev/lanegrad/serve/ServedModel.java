package dev.lanegrad.serve;

import java.util.List;
import java.util.Map;

/**
 * One loaded model as the server sees it: it parses and checks a request body on the caller's thread
 * (so bad input never reaches a batch), then runs many parsed requests as ONE batched forward. The
 * weights are immutable once loaded and every {@link #predictBatch} call owns its buffers (the layers keep
 * their scratch per thread), so the model is shared by every thread without locks.
 *
 * <p>Implementations: {@link StackModel} (a bare RNN / LSTM / GRU stack), {@link CharLmModel},
 * {@link ForecastServed}, {@link ClassifierServed}; {@link ModelLoader} picks one from a checkpoint.
 */
public abstract class ServedModel {

    private final String name;

    protected ServedModel(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** "stack", "charlm", "forecast" or "classify". */
    public abstract String kind();

    /** What GET /v1/models/{name} shows: kind, sizes, what predict takes and returns. */
    public abstract Map<String, Object> describe();

    /** Checks one predict body and returns what {@link #predictBatch} needs; a bad body throws {@link ApiError}. */
    public abstract Object parsePredict(Map<String, Object> body, int maxSteps);

    /**
     * Runs requests parsed by {@link #parsePredict} as one batch and returns one JSON-ready result per
     * request, in order. Row i's result depends on request i only (how exactly: docs/serving.md).
     */
    public abstract List<Map<String, Object>> predictBatch(List<Object> requests);

    /** The streaming side, or null when this model has no sessions (bidirectional stacks, forecaster, classifier). */
    public Streaming streaming() {
        return null;
    }

    /** Character generation, or null (char-LMs only). */
    public Generator generator() {
        return null;
    }

    /** Runs a small request through every path once, so that /health turns ready on a warm model. */
    public abstract void warmUp();
}
