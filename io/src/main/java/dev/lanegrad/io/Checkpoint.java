package dev.lanegrad.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tensors of a safetensors file, in file order, with the file's metadata (string to string; lanegrad
 * keeps a model's configuration there). {@code source} names where it came from in error messages.
 */
public final class Checkpoint {

    private final String source;
    private final Map<String, NamedTensor> tensors;
    private final Map<String, String> metadata;

    public Checkpoint(String source, Collection<NamedTensor> tensors, Map<String, String> metadata) {
        this.source = source;
        Map<String, NamedTensor> map = new LinkedHashMap<>();
        for (NamedTensor t : tensors) {
            if (map.put(t.name(), t) != null) {
                throw new IllegalArgumentException(source + ": tensor " + t.name() + " appears twice");
            }
        }
        this.tensors = Collections.unmodifiableMap(map);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
    }

    /** Where the checkpoint came from (a path), for messages. */
    public String source() {
        return source;
    }

    /** The tensors by name, in file order. */
    public Map<String, NamedTensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor, or an exception naming the checkpoint and the tensor. */
    public NamedTensor get(String name) {
        NamedTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("tensor " + name + " missing from checkpoint " + source);
        }
        return t;
    }

    /** The tensor, checked against the shape the model expects. */
    public NamedTensor require(String name, int... shape) {
        NamedTensor t = get(name);
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape) + " (checkpoint " + source + ")");
        }
        return t;
    }

    /**
     * Checks the checkpoint against what a model expects, and reports every problem at once: missing
     * tensors, wrong shapes and, when {@code strict}, tensors the model does not have (like PyTorch's
     * {@code load_state_dict(strict=True)}).
     *
     * @throws IllegalArgumentException listing the problems
     */
    public void check(Map<String, int[]> expected, boolean strict) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            NamedTensor t = tensors.get(e.getKey());
            if (t == null) {
                problems.add("tensor " + e.getKey() + " missing from checkpoint " + source);
            } else if (!t.hasShape(e.getValue())) {
                problems.add("tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", expected "
                        + Arrays.toString(e.getValue()));
            }
        }
        if (strict) {
            for (String name : tensors.keySet()) {
                if (!expected.containsKey(name)) {
                    problems.add("unexpected tensor " + name + " in checkpoint " + source);
                }
            }
        }
        if (problems.size() == 1) {
            throw new IllegalArgumentException(problems.get(0));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + source + " does not fit the model (" + problems.size()
                    + " problems):\n  " + String.join("\n  ", problems));
        }
    }

    /** The shapes by name, in file order; handy to build the {@code expected} map of another model. */
    public Map<String, int[]> shapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> m.put(k, v.shape().clone()));
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Checkpoint ").append(source).append(" {");
        tensors.values().forEach(t -> sb.append(' ').append(t.name()).append(Arrays.toString(t.shape())));
        return sb.append(" } metadata ").append(new TreeMap<>(metadata)).toString();
    }
}
