package dev.lanegrad.tasks.parity;

/**
 * The float32 bound of shared/parity/README.md: |mine - ref| <= atol + rtol * |ref| element by
 * element. PyTorch's own float32 results differ from float64 by up to ~3e-6 on the golden sizes, and
 * logits of magnitude ~100 need the relative term.
 */
public record Tolerance(double atol, double rtol) {

    public static final Tolerance FLOAT32 = new Tolerance(1e-5, 1e-4);

    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("tolerance atol " + atol + ", rtol " + rtol + ": expected both >= 0");
        }
    }

    /** The allowed |mine - ref| for a reference value. */
    public double bound(double ref) {
        return atol + rtol * Math.abs(ref);
    }
}
