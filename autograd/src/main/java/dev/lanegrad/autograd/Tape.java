package dev.lanegrad.autograd;

import java.util.ArrayList;

/**
 * The record of one step's ops, and the arena (TapeArena) their intermediates live in.
 *
 * <pre>{@code
 * try (Tape tape = new Tape()) {            // this thread's current tape until closed
 *     for (int step = 0; step < steps; step++) {
 *         Tensor loss = Ops.crossEntropy(Ops.matmul(x, w, false, true), targets);
 *         tape.backward(loss);              // gradients accumulate into w.grad()
 *         ...update w, w.zeroGrad()...
 *         tape.reset();                     // intermediates die, their memory is reused
 *     }
 * }
 * }</pre>
 *
 * A tape belongs to the thread that made it; ops find it through {@link #current()}. Separate tapes on
 * separate threads are independent (leaves such as parameters may be shared for reading).
 * Inside {@code try (var ng = tape.noGrad())} nothing is recorded and no output requires a gradient.
 * Set {@code -Dlanegrad.autograd.debug=true} (or {@link #debug(boolean)}) to check every op's output
 * and every backward's gradients for NaN/infinity and name the op that made the first one.
 */
public final class Tape implements AutoCloseable {

    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();
    private static final boolean DEBUG_DEFAULT = Boolean.getBoolean("lanegrad.autograd.debug");

    private final Thread owner = Thread.currentThread();
    private final Tape previous;
    private final TapeArena arena = new TapeArena();
    private final ArrayList<Node> nodes = new ArrayList<>();
    private final NoGrad noGrad = new NoGrad();
    private int epoch;
    private int noGradDepth;
    private boolean backwardDone;
    private boolean closed;
    private boolean debug = DEBUG_DEFAULT;

    /** Opens a tape and makes it this thread's current tape until {@link #close()}. */
    public Tape() {
        previous = CURRENT.get();
        CURRENT.set(this);
    }

    /** This thread's current tape, or null. */
    public static Tape current() {
        return CURRENT.get();
    }

    static Tape require(String op) {
        Tape t = CURRENT.get();
        if (t == null) {
            throw new IllegalStateException(op + ": no Tape is open on this thread; wrap the computation in "
                    + "try (Tape tape = new Tape()) { ... }");
        }
        return t;
    }

    /** Checks the debug flag on; returns this. */
    public Tape debug(boolean on) {
        this.debug = on;
        return this;
    }

    public boolean debug() {
        return debug;
    }

    /**
     * Enters a scope where nothing is recorded (inference). Returns one reusable object per tape, so
     * entering a scope allocates nothing; scopes nest.
     */
    public NoGrad noGrad() {
        noGradDepth++;
        return noGrad;
    }

    /** Closes a {@link Tape#noGrad()} scope. */
    public final class NoGrad implements AutoCloseable {
        private NoGrad() {
        }

        @Override
        public void close() {
            if (noGradDepth == 0) {
                throw new IllegalStateException("noGrad: closed more often than opened");
            }
            noGradDepth--;
        }
    }

    /** Whether ops record themselves now (not in a no-grad scope). */
    public boolean recording() {
        return noGradDepth == 0;
    }

    /** The number of recorded ops since the last reset. */
    public int size() {
        return nodes.size();
    }

    /** Backward from a scalar loss: d loss / d loss = 1. */
    public void backward(Tensor loss) {
        if (loss.size() != 1) {
            throw new IllegalArgumentException("backward: the loss " + loss.describe() + " has " + loss.size()
                    + " elements; a loss must be a scalar, or pass the upstream gradient: backward(output, gradient)");
        }
        begin(loss);
        loss.grad()[loss.gradOffset()] += 1f;
        walk();
    }

    /** Backward from any output with an explicit upstream gradient of the same shape (vector-Jacobian product). */
    public void backward(Tensor output, Tensor upstream) {
        if (upstream.size() != output.size()) {
            throw new IllegalArgumentException("backward: upstream gradient " + upstream.describe() + " does not match output "
                    + output.describe());
        }
        begin(output);
        Node.OPS.axpy(1f, upstream.data(), upstream.offset(), output.grad(), output.gradOffset(), output.size());
        walk();
    }

    private void begin(Tensor output) {
        checkOpen("backward");
        checkInput("backward", output);
        if (backwardDone) {
            throw new IllegalStateException("backward: already called on this tape step; call tape.reset() before "
                    + "recording the next step (gradients of leaves keep accumulating across steps until zeroGrad)");
        }
        if (!output.requiresGrad()) {
            throw new IllegalStateException("backward: " + output.describe() + " does not require a gradient: no input "
                    + "of it requires one, or it was computed inside noGrad()");
        }
        backwardDone = true;
    }

    private void walk() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            if (node.reached()) {
                node.backward();
                if (debug) {
                    checkGradients(node);
                }
            }
        }
    }

    /** Forgets the recorded ops; every intermediate dies and its memory is reused by the next step. */
    public void reset() {
        nodes.clear();
        arena.reset();
        epoch++;
        backwardDone = false;
    }

    /** Resets, releases the arena and restores the previous current tape of this thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner || CURRENT.get() != this) {
            throw new IllegalStateException("close: tapes must be closed on their own thread, innermost first");
        }
        reset();
        arena.release();
        closed = true;
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    // ---- for ops ----

    /**
     * The tape step: it changes on every {@link #reset()}. A layer that keeps per-step resources (one
     * recurrent workspace per use within a step) compares it to know when a new step has begun.
     */
    public int epoch() {
        return epoch;
    }

    TapeArena arena() {
        return arena;
    }

    void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the tape is closed");
        }
    }

    void checkInput(String op, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": an input is null");
        }
        t.checkLive(op);
        if (t.tape() != null && t.tape() != this) {
            throw new IllegalArgumentException(op + ": tensor " + t.describe() + " belongs to another tape");
        }
    }

    /** A new intermediate from the arena (contents undefined: the op overwrites it). */
    Tensor newTensor(int[] shape, int size, boolean requiresGrad) {
        checkOpen("op");
        int off = arena.alloc(size);
        return new Tensor(shape, size, arena.array(), off, requiresGrad, this, epoch, null, 0);
    }

    Tensor newTensor(int[] shape, boolean requiresGrad) {
        return newTensor(shape, Shapes.size("op", shape), requiresGrad);
    }

    /** Whether an op on these inputs must be recorded. */
    boolean needsGrad(Tensor a) {
        return noGradDepth == 0 && a.requiresGrad();
    }

    boolean needsGrad(Tensor a, Tensor b) {
        return noGradDepth == 0 && (a.requiresGrad() || b.requiresGrad());
    }

    boolean needsGrad(Tensor[] inputs) {
        if (noGradDepth != 0) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Records node when its output requires a gradient, and in debug mode checks the output. */
    void record(Node node, Tensor out) {
        if (out.requiresGrad()) {
            if (backwardDone) {
                throw new IllegalStateException(node.name() + ": recording after backward on the same tape step; "
                        + "call tape.reset() first");
            }
            nodes.add(node);
        }
        if (debug) {
            checkFinite(node.name(), out, "its output");
        }
    }

    void recordMulti(Node node, boolean requiresGrad, Tensor[] outs) {
        if (requiresGrad) {
            if (backwardDone) {
                throw new IllegalStateException(node.name() + ": recording after backward on the same tape step; "
                        + "call tape.reset() first");
            }
            nodes.add(node);
        }
        if (debug) {
            for (int i = 0; i < outs.length; i++) {
                checkFinite(node.name(), outs[i], "output " + i);
            }
        }
    }

    private static void checkFinite(String op, Tensor t, String what) {
        float[] d = t.dataRef();
        int o = t.offset();
        for (int i = 0; i < t.size(); i++) {
            float v = d[o + i];
            if (!Float.isFinite(v)) {
                throw new ArithmeticException(op + " produced " + v + " at " + Shapes.position(t.shapeRef(), i) + " of "
                        + what + " " + Shapes.str(t.shapeRef()) + " (lanegrad.autograd.debug is on)");
            }
        }
    }

    private static void checkGradients(Node node) {
        Tensor[] in = node.inputs();
        for (int k = 0; k < in.length; k++) {
            Tensor t = in[k];
            if (t != null && t.requiresGrad() && t.hasGrad()) {
                float[] g = t.grad();
                int o = t.gradOffset();
                for (int i = 0; i < t.size(); i++) {
                    if (!Float.isFinite(g[o + i])) {
                        throw new ArithmeticException("backward of " + node.name() + " produced " + g[o + i] + " at "
                                + Shapes.position(t.shapeRef(), i) + " of the gradient of input " + k + " "
                                + t.describe() + " (lanegrad.autograd.debug is on)");
                    }
                }
            }
        }
    }
}
