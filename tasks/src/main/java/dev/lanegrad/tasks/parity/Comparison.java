package dev.lanegrad.tasks.parity;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.ParityCase;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Compares lanegrad's tensors with one case's reference tensors and accumulates the largest absolute
 * and relative errors, the tensor whose worst element uses the largest share of its bound, and every
 * name compared (so that the runner can tell whether a gradient of the file was left out).
 */
final class Comparison {

    private final ParityCase pc;
    private final Tolerance tolerance;
    private final Set<String> compared = new LinkedHashSet<>();
    private double maxAbs;
    private double maxRel;
    private double worstRatio = -1;
    private String worst;
    private String worstDetail;
    private long count;
    private boolean passed = true;

    Comparison(ParityCase pc, Tolerance tolerance) {
        this.pc = pc;
        this.tolerance = tolerance;
    }

    /** Compares lanegrad's values of a tensor with the file's when the file has that tensor (same shape, row-major). */
    void check(String name, int[] shape, float[] mine) {
        if (!pc.has(name)) {
            return;
        }
        ParityCase.Entry ref = pc.tensor(name);
        if (!Arrays.equals(ref.shape(), shape)) {
            throw new IllegalArgumentException(pc.source() + ": tensor " + name + " has shape " + Arrays.toString(ref.shape())
                    + " but lanegrad computed " + Arrays.toString(shape));
        }
        double[] wide = new double[mine.length];
        for (int i = 0; i < mine.length; i++) {
            wide[i] = mine[i];
        }
        check(name, ref.data(), wide);
    }

    /** A tensor's values, compared with the file's tensor called name. */
    void values(String name, Tensor t) {
        check(name, t.shape(), t.toArray());
    }

    /** A tensor's gradient, compared with the file's "grad." + name; nothing for a null tensor (an absent bias). */
    void gradient(String name, Tensor t) {
        if (t != null) {
            check("grad." + name, t.shape(), t.gradToArray());
        }
    }

    /** A scalar computed in double (a loss summed by the runner) when the file has it. */
    void check(String name, double mine) {
        if (pc.has(name)) {
            check(name, pc.doubles(name), new double[] {mine});
        }
    }

    private void check(String name, double[] ref, double[] mine) {
        if (ref.length != mine.length) {
            throw new IllegalArgumentException(pc.source() + ": tensor " + name + " has " + ref.length
                    + " values but lanegrad computed " + mine.length);
        }
        compared.add(name);
        for (int i = 0; i < ref.length; i++) {
            double diff = Math.abs(mine[i] - ref[i]);
            if (Double.isNaN(diff)) {
                diff = Double.POSITIVE_INFINITY; // a NaN from lanegrad fails like an infinite error
            }
            double bound = tolerance.bound(ref[i]);
            maxAbs = Math.max(maxAbs, diff);
            maxRel = Math.max(maxRel, diff / Math.max(Math.abs(ref[i]), tolerance.atol()));
            passed &= diff <= bound;
            double ratio = diff / bound;
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = name;
                worstDetail = name + (ref.length == 1 ? "" : "[" + i + "]") + " = " + mine[i] + ", reference " + ref[i];
            }
        }
        count += ref.length;
    }

    boolean compared(String name) {
        return compared.contains(name);
    }

    CaseResult result(String name, String kind) {
        return new CaseResult(name, kind, maxAbs, maxRel, worst, passed, count,
                passed ? null : "outside atol " + tolerance.atol() + " + rtol " + tolerance.rtol() + ": " + worstDetail);
    }
}
