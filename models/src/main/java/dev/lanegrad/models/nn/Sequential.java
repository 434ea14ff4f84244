package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.CheckpointFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole model as a chain of named layers, PyTorch's {@code nn.Sequential} with names you choose, so that
 * its state_dict is the one of the PyTorch model it mirrors:
 * <pre>{@code
 * Sequential model = new Sequential()
 *         .add("lstm", LSTM.builder(8, 32).numLayers(2).build())
 *         .add("fc", new Linear(32, 1));              // parameters lstm.weight_ih_l0 ... fc.weight, fc.bias
 * Tensor y = model.forward(x);                        // x [T, B, 8] -> y [T, B, 1]
 * model.save(Path.of("model.safetensors"));           // every parameter, and each layer's configuration
 * Sequential same = Sequential.load(Path.of("model.safetensors"));   // rebuilt from the file alone
 * }</pre>
 *
 * <p>Layers: {@link Embedding} (first only: {@link #forward(int[], int...)} takes token ids), {@link LSTM},
 * {@link GRU}, {@link RNN} (their output sequence goes on; the final states are dropped), {@link Linear} (on
 * the last dimension) and {@link Dropout}. Feature sizes are checked as layers are added. A model whose
 * forward is not a chain (two inputs, the last step only, a skip connection) is a {@link Module} subclass
 * that registers its layers; it saves and loads every parameter the same way, and is rebuilt in code.
 *
 * <p>The checkpoint's metadata holds {@code module = Sequential}, {@code layers = lstm,fc} and each layer's
 * configuration under its name ({@code lstm.hidden_size = 32}, {@code fc.out_features = 1}).
 */
public final class Sequential extends Module {

    private final List<String> names = new ArrayList<>();
    private final List<Module> layers = new ArrayList<>();
    private int features = -1; // the output features of the last layer; -1 before a layer that fixes it

    /** Appends a layer under a name (its parameters are {@code name.<parameter>}); returns this. */
    public Sequential add(String name, Module layer) {
        if (name == null || !name.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("layer name '" + name + "': expected letters, digits and _ (it prefixes the "
                    + "parameter names and is kept in the metadata)");
        }
        LayerConfig.of(name, layer); // refuses layers that cannot be rebuilt from a checkpoint
        if (layer instanceof Embedding && !layers.isEmpty()) {
            throw new IllegalArgumentException("layer " + name + ": an Embedding takes token ids, so it must be the first layer");
        }
        int in = inputFeatures(layer);
        if (in > 0 && features > 0 && in != features) {
            throw new IllegalArgumentException("layer " + name + " takes " + in + " features, but layer "
                    + names.get(names.size() - 1) + " gives " + features);
        }
        register(name, layer);
        names.add(name);
        layers.add(layer);
        int out = outputFeatures(layer);
        if (out > 0) {
            features = out;
        }
        return this;
    }

    private static int inputFeatures(Module layer) {
        if (layer instanceof RecurrentLayer r) {
            return r.inputSize();
        }
        return layer instanceof Linear l ? l.inFeatures() : -1;
    }

    private static int outputFeatures(Module layer) {
        if (layer instanceof RecurrentLayer r) {
            return r.hiddenSize() * (r.bidirectional() ? 2 : 1);
        }
        if (layer instanceof Linear l) {
            return l.outFeatures();
        }
        return layer instanceof Embedding e ? e.embeddingDim() : -1;
    }

    /** The layer names, in order. */
    public List<String> names() {
        return Collections.unmodifiableList(names);
    }

    /** The layer called name. */
    public Module get(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no layer " + name + " in this Sequential; it has " + names);
        }
        return layers.get(i);
    }

    /** The layer called name, as the given type (e.g. the LSTM, to open a stream on it). */
    public <M extends Module> M get(String name, Class<M> type) {
        Module m = get(name);
        if (!type.isInstance(m)) {
            throw new IllegalArgumentException("layer " + name + " is a " + m.getClass().getSimpleName() + ", not a "
                    + type.getSimpleName());
        }
        return type.cast(m);
    }

    /** Runs the chain on features: x [T, B, F] (or [B, T, F] with batch-first recurrent layers), or [..., F]. */
    public Tensor forward(Tensor x) {
        if (!layers.isEmpty() && layers.get(0) instanceof Embedding) {
            throw new IllegalArgumentException("the first layer (" + names.get(0) + ") is an Embedding: call forward(ids, shape)");
        }
        return forwardFrom(0, x);
    }

    /** Runs the chain on token ids when the first layer is an Embedding: ids shaped [shape...], e.g. [T, B]. */
    public Tensor forward(int[] ids, int... shape) {
        if (layers.isEmpty() || !(layers.get(0) instanceof Embedding e)) {
            throw new IllegalArgumentException("forward(ids) needs an Embedding as the first layer; this one starts with "
                    + (layers.isEmpty() ? "nothing" : names.get(0)));
        }
        return forwardFrom(1, e.forward(ids, shape));
    }

    private Tensor forwardFrom(int first, Tensor x) {
        Tensor y = x;
        for (int i = first; i < layers.size(); i++) {
            Module layer = layers.get(i);
            if (layer instanceof RecurrentLayer r) {
                y = r.forward(y).output();
            } else if (layer instanceof Linear l) {
                y = l.forward(y);
            } else if (layer instanceof Dropout d) {
                y = d.forward(y);
            } else {
                throw new IllegalStateException("layer " + names.get(i) + " (" + layer.getClass().getSimpleName() + ")");
            }
        }
        return y;
    }

    @Override
    public Map<String, String> config() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("module", "Sequential");
        m.put("layers", String.join(",", names));
        for (int i = 0; i < layers.size(); i++) {
            String name = names.get(i);
            LayerConfig.of(name, layers.get(i)).forEach((k, v) -> m.put(name + "." + k, v));
        }
        return m;
    }

    /**
     * Rebuilds a Sequential from the metadata of a checkpoint written by {@link #save} and loads every
     * parameter (strictly). A file without that metadata (a PyTorch state_dict, a layer's own file) is an
     * error that says so: build the model in code and call {@link #loadParameters(Path)}.
     */
    public static Sequential load(Path file) throws IOException {
        return fromCheckpoint(CheckpointFiles.read(file));
    }

    /** As {@link #load(Path)}, from a checkpoint already read. */
    public static Sequential fromCheckpoint(Checkpoint c) {
        expectModule(c, "Sequential");
        Sequential model = new Sequential();
        for (String name : meta(c, "layers").split(",", -1)) {
            String prefix = name + ".";
            Map<String, String> cfg = new LinkedHashMap<>();
            c.metadata().forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    cfg.put(k.substring(prefix.length()), v);
                }
            });
            model.add(name, LayerConfig.build(c.source(), name, cfg));
        }
        model.loadStateDict(c);
        return model;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (int i = 0; i < layers.size(); i++) {
            Module layer = layers.get(i);
            sb.append("\n  (").append(names.get(i)).append("): ")
                    .append(layer instanceof RecurrentLayer ? layer : layer.getClass().getSimpleName() + LayerConfig.of(names.get(i), layer));
        }
        return sb.append(layers.isEmpty() ? ")" : "\n)").toString();
    }
}
