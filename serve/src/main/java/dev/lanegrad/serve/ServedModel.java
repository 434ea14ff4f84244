package dev.lanegrad.serve;

import java.util.LinkedHashMap;
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
    private final String kind;

    /** kind: "stack", "charlm", "forecast" or "classify". */
    protected ServedModel(String name, String kind) {
        this.name = name;
        this.kind = kind;
    }

    public final String name() {
        return name;
    }

    /** "stack", "charlm", "forecast" or "classify". */
    public final String kind() {
        return kind;
    }

    /**
     * What GET /v1/models/{name} shows: the name, the kind, the model's own {@link #details}, whether it has
     * sessions and, if so, the bytes one takes.
     */
    public final Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind);
        details(m);
        Streaming s = streaming();
        m.put("sessions", s != null);
        if (s != null) {
            m.put("bytes_per_session", s.bytesPerSession());
        }
        return m;
    }

    /** Puts what describes this model (sizes, labels, what predict takes) into its description. */
    protected abstract void details(Map<String, Object> description);

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
