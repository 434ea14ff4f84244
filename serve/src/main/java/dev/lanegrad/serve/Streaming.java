package dev.lanegrad.serve;

import dev.lanegrad.models.nn.RecurrentLayer;

import java.util.Map;

/**
 * The streaming side of a model: the unidirectional recurrent stack a session steps through, how a step
 * body becomes input rows, and how the top layer's outputs become the answer.
 */
public interface Streaming {

    /** The shared, read-only stack (unidirectional). */
    RecurrentLayer layer();

    /** Checks a step body: returns its steps as rows [n, inputSize], 1 <= n <= maxSteps. */
    float[] parseSteps(Map<String, Object> body, int maxSteps);

    /** The answer to a step of n time steps, given the top layer's outputs [n, hidden]. */
    Map<String, Object> stepResult(float[] outputs, int n);

    /** Bytes of one session's state: h (and c) of every layer, plus the session object and its table entry. */
    default long bytesPerSession() {
        RecurrentLayer l = layer();
        long floats = (long) l.numLayers() * l.hiddenSize() * (l.rnnConfig().mode().hasCell() ? 2 : 1);
        return floats * Float.BYTES + Session.OVERHEAD_BYTES;
    }
}
