package dev.lanegrad.autograd;

/**
 * Inverted dropout: y = x * m / (1 - p) with m[i] = 0 with probability p. The mask of element i is a
 * pure function of (seed, i) (SplitMix64), so it needs no Random object and a repeated call with the
 * same seed drops the same elements (GradCheck relies on that). In eval mode it is the identity.
 */
final class DropoutOp extends Node {

    private final Tensor x;
    private final Tensor mask;
    private final Tensor y;

    private DropoutOp(Tensor x, Tensor mask, Tensor y) {
        this.x = x;
        this.mask = mask;
        this.y = y;
    }

    static Tensor apply(Tensor x, float p, long seed, boolean training) {
        Tape tape = tapeFor("dropout", x);
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: p = " + p + ", expected 0 <= p < 1");
        }
        if (!training || p == 0f) {
            return x;
        }
        int n = x.size();
        Tensor mask = tape.newTensor(x.shapeRef(), n, false);
        Tensor y = tape.newTensor(x.shapeRef(), n, tape.needsGrad(x));
        float keep = 1f / (1f - p);
        // keep element i when its 53-bit uniform is >= p
        long threshold = (long) ((double) p * (1L << 53));
        float[] md = mask.dataRef();
        for (int i = 0, mo = mask.offset(); i < n; i++) {
            md[mo + i] = (mix(seed + 0x9E3779B97F4A7C15L * (i + 1)) >>> 11) >= threshold ? keep : 0f;
        }
        OPS.mul(x.dataRef(), x.offset(), md, mask.offset(), y.dataRef(), y.offset(), n);
        tape.record(new DropoutOp(x, mask, y), y);
        return y;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    String name() {
        return "dropout";
    }

    @Override
    boolean reached() {
        return y.hasGrad();
    }

    @Override
    Tensor[] inputs() {
        return new Tensor[] {x};
    }

    @Override
    void backward() {
        mulAcc(y.grad(), y.gradOffset(), mask.dataRef(), mask.offset(), x.grad(), x.gradOffset(), x.size());
    }
}
