package dev.lanegrad.serve;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static dev.lanegrad.serve.ApiError.Status.NOT_FOUND;
import static dev.lanegrad.serve.ApiError.Status.OVERLOADED;

/**
 * The live sessions: at most {@code max}, each dropped once idle for longer than the TTL (on the next
 * {@link #sweep}, or when it is next asked for). Ids are 128 random bits, so a session cannot be guessed.
 * Time comes from an injected clock (nanoseconds), so tests move it instead of sleeping.
 */
public final class Sessions {

    private final int max;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Session> live = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    public Sessions(int max, long ttlNanos, LongSupplier clock) {
        if (max < 1 || ttlNanos < 1) {
            throw new IllegalArgumentException("max sessions " + max + " and ttl " + ttlNanos + " ns: expected >= 1");
        }
        this.max = max;
        this.ttlNanos = ttlNanos;
        this.clock = clock;
    }

    /** A new session of the model, or a 429 when {@code max} are live (after dropping the expired ones). */
    public Session create(String model, Streaming streaming) {
        if (!reserve()) {
            sweep();
            if (!reserve()) {
                throw new ApiError(OVERLOADED, "too many live sessions (the limit is " + max + "); close some, or retry once "
                        + "idle ones expire");
            }
        }
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        var layer = streaming.layer();
        Session s = new Session(HexFormat.of().formatHex(bits), model, layer.numLayers(), layer.hiddenSize(),
                layer.rnnConfig().mode().hasCell(), clock.getAsLong());
        live.put(s.id(), s);
        return s;
    }

    private boolean reserve() {
        while (true) {
            int n = count.get();
            if (n >= max) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The live session with this id (its idle clock restarts), or a 404 naming why it is not there. */
    public Session get(String id) {
        Session s = live.get(id);
        if (s == null) {
            throw new ApiError(NOT_FOUND, "no session '" + id + "' (never created, closed, or expired after "
                    + ttlNanos / 1_000_000_000L + " s idle)");
        }
        long now = clock.getAsLong();
        if (expired(s, now)) {
            drop(s);
            throw new ApiError(NOT_FOUND, "session '" + id + "' expired after " + ttlNanos / 1_000_000_000L + " s idle");
        }
        s.lastUsedNanos = now;
        return s;
    }

    /** Closes a session; a 404 if there is none. */
    public void close(String id) {
        Session s = live.get(id);
        if (s == null || !drop(s)) {
            throw new ApiError(NOT_FOUND, "no session '" + id + "' to close");
        }
    }

    /** Marks a step done: the idle clock restarts from the end of the step. */
    void touch(Session s) {
        s.lastUsedNanos = clock.getAsLong();
    }

    /** Drops every session idle for longer than the TTL (none with a step in flight); returns how many. */
    public int sweep() {
        long now = clock.getAsLong();
        int n = 0;
        for (Session s : live.values()) {
            if (expired(s, now) && drop(s)) {
                n++;
            }
        }
        return n;
    }

    private boolean expired(Session s, long now) {
        return !s.busy.get() && now - s.lastUsedNanos > ttlNanos;
    }

    private boolean drop(Session s) {
        if (live.remove(s.id(), s)) {
            count.decrementAndGet();
            return true;
        }
        return false;
    }

    public int live() {
        return count.get();
    }

    public int max() {
        return max;
    }
}
