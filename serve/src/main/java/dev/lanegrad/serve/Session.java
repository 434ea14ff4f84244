package dev.lanegrad.serve;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One streaming session: its own recurrent state (h, and c for an LSTM, of every layer, [L, H]) and
 * bookkeeping. The model's weights are shared; nothing else is. A session has at most one step in
 * flight ({@link #busy}), so its state is only touched by the batching thread running that step.
 */
public final class Session {

    /**
     * Bytes of a session besides its state arrays, on a 64-bit JVM with compressed references: this object
     * (~48), two array headers (32), the id string (32 hex characters: ~72), its table entry (~48) and the
     * busy flag (16). Rounded up.
     */
    static final long OVERHEAD_BYTES = 256;

    private final String id;
    private final String model;
    final float[] h;
    final float[] c;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile long lastUsedNanos;
    volatile long steps;

    Session(String id, String model, int layers, int hidden, boolean cell, long now) {
        this.id = id;
        this.model = model;
        this.h = new float[layers * hidden];
        this.c = cell ? new float[layers * hidden] : null;
        this.lastUsedNanos = now;
    }

    public String id() {
        return id;
    }

    public String model() {
        return model;
    }

    /** Time steps read so far. */
    public long steps() {
        return steps;
    }

    /** A copy of h [L, H]. */
    public float[] h() {
        return h.clone();
    }

    /** A copy of c [L, H], or null (no cell state). */
    public float[] c() {
        return c == null ? null : c.clone();
    }
}
