package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.ParameterUpdates;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.CheckpointFiles;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A layer or a model: named parameters (leaf tensors that require a gradient) in PyTorch's
 * {@code state_dict} order and names, child modules whose parameters are prefixed with the child's
 * name ({@code "lstm.weight_ih_l0"}), and a train / eval mode that drives dropout.
 *
 * <p>A subclass registers its parameters and children in its constructor, in the order PyTorch's
 * module declares them, so that {@link #namedParameters()} is the state_dict:
 * <pre>{@code
 * final class CharLm extends Module {
 *     final Embedding embedding; final LSTM lstm; final Linear decoder;
 *     CharLm(int vocab, int hidden, long seed) {
 *         embedding = register("embedding", new Embedding(vocab, 32, -1, seed));
 *         lstm = register("lstm", LSTM.builder(32, hidden).seed(seed + 1).build());
 *         decoder = register("decoder", new Linear(hidden, vocab, true, seed + 2));
 *     }
 * }
 * }</pre>
 *
 * Parameters are only read by forward, so a trained module may be shared by threads for inference
 * (each thread on its own Tape); an optimizer updates them in place.
 */
public abstract class Module {

    private final Map<String, Tensor> ownParameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter under its PyTorch name; it is marked as requiring a gradient and named. */
    protected final Tensor register(String name, Tensor parameter) {
        checkName(name);
        parameter.requiresGrad(true).named(name);
        ownParameters.put(name, parameter);
        return parameter;
    }

    /** Registers a child module; its parameters appear as {@code name + "." + childName}. */
    protected final <M extends Module> M register(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || ownParameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("parameter or module name '" + name + "' is empty or already registered");
        }
    }

    /** Every parameter under its state_dict name, in state_dict order (own parameters first, then children). */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        collect("", m);
        return Collections.unmodifiableMap(m);
    }

    private void collect(String prefix, Map<String, Tensor> into) {
        ownParameters.forEach((k, v) -> into.put(prefix + k, v));
        children.forEach((k, v) -> v.collect(prefix + k + ".", into));
    }

    /** The parameters in state_dict order (what an optimizer takes). */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The state_dict shapes by name (for {@link Checkpoint#check}). */
    public final Map<String, int[]> parameterShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        namedParameters().forEach((k, v) -> m.put(k, v.shape()));
        return m;
    }

    /** The number of parameter elements. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) {
            n += t.size();
        }
        return n;
    }

    /** Sets training (dropout active) or eval mode on this module and all its children; returns this. */
    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    /** Eval mode (dropout off); returns this. */
    public Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Zeroes every parameter's gradient. */
    public final void zeroGrad() {
        // walks the registries directly: no state_dict map per call (a training loop calls this every step)
        for (Tensor t : ownParameters.values()) {
            t.zeroGrad();
        }
        for (Module child : children.values()) {
            child.zeroGrad();
        }
    }

    /**
     * This module's configuration as strings, written into a checkpoint's {@code __metadata__} so that
     * the module can be rebuilt from the file alone (see each layer's static {@code load}). Empty by default.
     */
    public Map<String, String> config() {
        return Map.of();
    }

    // ---- checkpoints ----

    /** The parameters as a checkpoint (copies), with {@link #config()} as metadata plus {@code format = pt}. */
    public final Checkpoint stateDict() {
        List<NamedTensor> tensors = new ArrayList<>();
        namedParameters().forEach((k, v) -> tensors.add(new NamedTensor(k, v.shape(), v.toArray())));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(config());
        return new Checkpoint(getClass().getSimpleName(), tensors, meta);
    }

    /**
     * Writes every parameter under its PyTorch name, float32, and the configuration in the metadata, as
     * safetensors (to a temporary file renamed into place, so a crash never leaves half a checkpoint).
     * PyTorch reads it with {@code module.load_state_dict(safetensors.torch.load_file(path))}.
     */
    public final void save(Path file) throws IOException {
        SafeTensors.write(file, stateDict());
    }

    /**
     * Reads a checkpoint into this module's parameters, strictly (see {@link #loadStateDict(Checkpoint)}). The
     * file may be safetensors (lanegrad's own, or {@code safetensors.torch.save_file}) or PyTorch's
     * {@code torch.save(model.state_dict())}: the format is told by the file's content, not its name.
     */
    public final Module loadParameters(Path file) throws IOException {
        return loadStateDict(CheckpointFiles.read(file));
    }

    /**
     * Reads the tensors under {@code prefix} of a checkpoint (safetensors or torch.save) into this module, e.g.
     * the LSTM of a PyTorch model's state_dict with prefix {@code "lstm."}; see
     * {@link #loadStateDict(Checkpoint, String, boolean)}.
     */
    public final LoadResult loadParameters(Path file, String prefix, boolean strict) throws IOException {
        return loadStateDict(CheckpointFiles.read(file), prefix, strict);
    }

    /**
     * Copies the checkpoint's tensors into the parameters, in place (so optimizers and streams keep
     * working). Strict, like PyTorch's {@code load_state_dict}: every parameter must be present with its
     * shape and nothing else may be there; otherwise an IllegalArgumentException names each tensor at
     * fault, and no parameter is changed.
     */
    public final Module loadStateDict(Checkpoint checkpoint) {
        loadStateDict(checkpoint, "", true);
        return this;
    }

    /**
     * Loads the tensors whose names start with {@code prefix}, without it (tensors outside the prefix are
     * ignored): {@code lstm.loadStateDict(c, "lstm.", true)} takes {@code lstm.weight_ih_l0} as
     * {@code weight_ih_l0}. See {@link #loadStateDict(Checkpoint, Function, boolean)} for strict and the result.
     */
    public final LoadResult loadStateDict(Checkpoint checkpoint, String prefix, boolean strict) {
        Objects.requireNonNull(prefix, "prefix");
        return loadStateDict(checkpoint, name -> name.startsWith(prefix) ? name.substring(prefix.length()) : null, strict);
    }

    /**
     * Loads with a name mapping: {@code nameMapping} turns a checkpoint name into this module's parameter
     * name, or into null to ignore the tensor. A parameter no tensor maps to is missing; a tensor mapped to no
     * parameter is unexpected. Strict: any missing or unexpected name fails with an
     * IllegalArgumentException naming all of them, and nothing is changed. Not strict: the parameters that
     * were found are loaded and the others keep their values; the result lists what was missing and
     * unexpected (PyTorch's {@code load_state_dict(strict=False)}). A shape that does not match fails in
     * both modes.
     */
    public final LoadResult loadStateDict(Checkpoint checkpoint, Function<String, String> nameMapping, boolean strict) {
        Map<String, Tensor> params = namedParameters();
        Map<String, NamedTensor> found = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (NamedTensor t : checkpoint.tensors().values()) {
            String target = nameMapping.apply(t.name());
            if (target == null) {
                continue;
            }
            Tensor p = params.get(target);
            String as = target.equals(t.name()) ? "" : " (as " + target + ")";
            if (p == null) {
                unexpected.add(t.name());
            } else if (found.putIfAbsent(target, t) != null) {
                problems.add("tensors " + found.get(target).name() + " and " + t.name() + " both map to parameter " + target);
            } else if (!Arrays.equals(p.shape(), t.shape())) {
                problems.add("tensor " + t.name() + as + " has shape " + shape(t.shape()) + ", expected " + shape(p.shape()));
            }
        }
        List<String> missing = new ArrayList<>(params.keySet());
        missing.removeAll(found.keySet());
        if (strict) {
            missing.forEach(m -> problems.add("parameter " + m + " missing from checkpoint " + checkpoint.source()));
            unexpected.forEach(u -> problems.add("unexpected tensor " + u + " in checkpoint " + checkpoint.source()));
        }
        if (problems.size() == 1) {
            throw new IllegalArgumentException(problems.get(0));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + checkpoint.source() + " does not fit " + getClass().getSimpleName()
                    + " (" + problems.size() + " problems):\n  " + String.join("\n  ", problems));
        }
        found.forEach((name, t) -> {
            Tensor p = params.get(name);
            System.arraycopy(t.data(), 0, p.data(), p.offset(), p.size());
            ParameterUpdates.record();
        });
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /**
     * What a load left out: parameters no tensor was found for (they kept their values) and checkpoint
     * tensors that match no parameter. Both are empty after a strict load.
     */
    public record LoadResult(List<String> missing, List<String> unexpected) {
        /** Whether every parameter was loaded and every tensor used. */
        public boolean complete() {
            return missing.isEmpty() && unexpected.isEmpty();
        }
    }

    /** The metadata value of key, or an error naming the file and the key. */
    static String meta(Checkpoint c, String key) {
        String v = c.metadata().get(key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint " + c.source() + " has no '" + key + "' in its metadata, so the "
                    + "layer cannot be built from the file alone; build it in code and call loadParameters(path)"
                    + " (metadata: " + c.metadata() + ")");
        }
        return v;
    }

    static void expectModule(Checkpoint c, String... modules) {
        String m = meta(c, "module");
        for (String ok : modules) {
            if (ok.equals(m)) {
                return;
            }
        }
        throw new IllegalArgumentException("checkpoint " + c.source() + " holds a " + m + ", expected "
                + String.join(" or ", modules));
    }

    static String shape(int[] s) {
        return java.util.Arrays.toString(s);
    }
}
