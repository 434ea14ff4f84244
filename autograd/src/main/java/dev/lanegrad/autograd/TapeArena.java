package dev.lanegrad.autograd;

/**
 * A bump allocator of floats for the intermediates of one tape step.
 *
 * alloc hands out ranges of the current chunk; when a step needs more than the chunk holds, a new
 * bigger chunk is started (the old one stays alive through the tensors that point into it) and, at
 * the next reset, everything is merged into one chunk sized for the whole step. From the second
 * step of a fixed-shape loop on, alloc therefore never allocates: that is what makes a training
 * step allocation-free apart from the small Tensor and node objects.
 */
final class TapeArena {

    private static final int MIN_CHUNK = 4096;

    private float[] chunk = new float[0];
    private int top;
    /** floats handed out since the last reset (what the next chunk must hold) */
    private long requested;
    private boolean grew;

    /** Reserves n floats (not cleared) and returns their offset in {@link #array()}. */
    int alloc(int n) {
        if (n > chunk.length - top) {
            grow(n);
        }
        int off = top;
        top += n;
        requested += n;
        return off;
    }

    /** Reserves n zeroed floats. */
    int allocZeroed(int n) {
        int off = alloc(n);
        java.util.Arrays.fill(chunk, off, off + n, 0f);
        return off;
    }

    /** The array of the last alloc. */
    float[] array() {
        return chunk;
    }

    private void grow(int n) {
        long size = Math.max((long) n, Math.max(MIN_CHUNK, 2L * chunk.length));
        chunk = new float[(int) Math.min(size, Integer.MAX_VALUE - 16)];
        top = 0;
        grew = true;
    }

    /** Makes every range free again; after a step that grew, one chunk sized for the whole step. */
    void reset() {
        if (grew) {
            long size = requested + requested / 8;
            if (size > chunk.length) {
                chunk = new float[(int) Math.min(size, Integer.MAX_VALUE - 16)];
            }
            grew = false;
        }
        top = 0;
        requested = 0;
    }

    /** Drops the memory (the tape is closed). */
    void release() {
        chunk = new float[0];
        top = 0;
        requested = 0;
        grew = false;
    }

    /** floats currently reserved by the chunk (for tests and diagnostics). */
    int capacity() {
        return chunk.length;
    }
}
