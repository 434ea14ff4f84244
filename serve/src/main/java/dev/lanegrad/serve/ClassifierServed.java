package dev.lanegrad.serve;

import dev.lanegrad.tasks.classify.TextClassifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lanegrad.serve.ApiError.Status.BAD_REQUEST;
import static dev.lanegrad.serve.ApiError.Status.TOO_LARGE;

/**
 * A text classifier. predict: {@code {"text": "..."}} -> {@code {"label": best, "probabilities": {label: p}}}.
 * A batch is one call of the classifier's padded-batch path (each sentence runs over its own length).
 */
public final class ClassifierServed extends ServedModel {

    private final TextClassifier classifier;

    public ClassifierServed(String name, TextClassifier classifier) {
        super(name, "classify");
        this.classifier = classifier;
    }

    @Override
    protected void details(Map<String, Object> m) {
        m.put("labels", classifier.labels());
    }

    @Override
    public Object parsePredict(Map<String, Object> body, int maxSteps) {
        String text = Inputs.string(body, "text");
        int words = classifier.encode(text).length;
        if (words == 0) {
            throw new ApiError(BAD_REQUEST, "'text' has no words; expected at least one");
        }
        if (words > maxSteps) {
            throw new ApiError(TOO_LARGE, "'text' has " + words + " words, more than the limit of " + maxSteps);
        }
        return text;
    }

    @Override
    public List<Map<String, Object>> predictBatch(List<Object> requests) {
        List<String> texts = new ArrayList<>(requests.size());
        requests.forEach(r -> texts.add((String) r));
        double[][] p = classifier.probabilities(texts);
        List<String> labels = classifier.labels();
        List<Map<String, Object>> results = new ArrayList<>(p.length);
        for (double[] row : p) {
            int best = 0;
            Map<String, Object> probs = new LinkedHashMap<>();
            for (int k = 0; k < row.length; k++) {
                probs.put(labels.get(k), row[k]);
                if (row[k] > row[best]) {
                    best = k;
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", labels.get(best));
            m.put("probabilities", probs);
            results.add(m);
        }
        return results;
    }

    @Override
    public void warmUp() {
        predictBatch(List.of("a b", "a"));
    }
}
