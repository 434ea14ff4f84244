package dev.lanegrad.models.nn;

import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A layer's configuration as strings (what {@link Module#config()} writes into a checkpoint's metadata),
 * and the layer built back from it: how {@link Sequential} rebuilds each of its layers from a file.
 * The layers' parameters are initialised from seed 0 and then overwritten by the checkpoint.
 */
final class LayerConfig {

    private LayerConfig() {
    }

    /** The configuration of a layer Sequential can rebuild, or an error naming the layer. */
    static Map<String, String> of(String name, Module layer) {
        if (layer instanceof Dropout d) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("module", "Dropout");
            m.put("p", Float.toString(d.p()));
            return m;
        }
        if (layer instanceof Linear || layer instanceof Embedding || layer instanceof RecurrentLayer) {
            return layer.config();
        }
        throw new IllegalArgumentException("layer " + name + " is a " + layer.getClass().getName() + "; a Sequential holds "
                + "Embedding, LSTM, GRU, RNN, Linear and Dropout layers (it rebuilds them from a checkpoint): for other "
                + "modules write a Module subclass that registers its children");
    }

    /** Builds the layer `name` from its configuration (the metadata under {@code name.}). */
    static Module build(String source, String name, Map<String, String> cfg) {
        Reader r = new Reader(source, name, cfg);
        String module = r.get("module");
        return switch (module) {
            case "Linear" -> new Linear(r.integer("in_features"), r.integer("out_features"), r.bool("bias"), 0L);
            case "Embedding" -> new Embedding(r.integer("num_embeddings"), r.integer("embedding_dim"), r.integer("padding_idx"), 0L);
            case "Dropout" -> new Dropout(r.number("p"), 0L);
            case "LSTM", "GRU", "RNN" -> recurrent(r);
            default -> throw r.error("module '" + module + "' is not one of Linear, Embedding, Dropout, LSTM, GRU, RNN");
        };
    }

    private static RecurrentLayer recurrent(Reader r) {
        RnnMode mode;
        try {
            mode = RnnMode.valueOf(r.get("mode"));
        } catch (IllegalArgumentException e) {
            throw r.error("mode '" + r.get("mode") + "' is not one of " + Arrays.toString(RnnMode.values()));
        }
        RnnConfig cfg = new RnnConfig(mode, r.integer("input_size"), r.integer("hidden_size"), r.integer("num_layers"),
                r.bool("bias"), r.bool("bidirectional"), r.number("dropout"));
        return RecurrentLayer.of(cfg, r.bool("batch_first"), 0L);
    }

    /** Typed reads of one layer's metadata, with errors that name the checkpoint, the layer and the key. */
    private record Reader(String source, String layer, Map<String, String> cfg) {
        String get(String key) {
            String v = cfg.get(key);
            if (v == null) {
                throw error("no '" + key + "' (it has " + cfg.keySet() + ")");
            }
            return v;
        }

        int integer(String key) {
            try {
                return Integer.parseInt(get(key));
            } catch (NumberFormatException e) {
                throw error(key + " = '" + get(key) + "', expected an integer");
            }
        }

        float number(String key) {
            try {
                return Float.parseFloat(get(key));
            } catch (NumberFormatException e) {
                throw error(key + " = '" + get(key) + "', expected a number");
            }
        }

        boolean bool(String key) {
            String v = get(key);
            if (!v.equals("true") && !v.equals("false")) {
                throw error(key + " = '" + v + "', expected true or false");
            }
            return v.equals("true");
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("checkpoint " + source + ", layer " + layer + ": " + what);
        }
    }
}
