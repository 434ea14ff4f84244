package dev.lanegrad.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Compares the tape's gradients of a function with central finite differences.
 *
 * <p>The function maps the input tensors to any tensor y. GradCheck draws a fixed random unit vector
 * v over y and checks the scalar {@code phi(x) = v . y(x)}, summed in double (PyTorch's fast gradcheck
 * checks {@code v^T J u} the same way); the analytic side is one {@code backward(y, v)}. Then, per
 * input that requires a gradient:
 * <ul>
 * <li>{@link #fast()}: along {@value #DEFAULT_DIRECTIONS} random directions u, compare {@code g . u} with the
 *     directional difference of phi (6 evaluations per direction);</li>
 * <li>{@link #full()}: per coordinate, compare each gradient element with the partial difference
 *     (6 evaluations per element: for small inputs).</li>
 * </ul>
 *
 * <p><b>Why these defaults (float32).</b> The engine computes in float32, so every evaluation of phi
 * carries rounding noise of a few ulp, and a central difference divides that noise by the step h,
 * while its truncation error grows as h^2. With float64 habits (h = 1e-6..1e-3) the noise dominates:
 * on correct gradients we measured relative errors of 1e-2 at h = 1e-3 and above 1 at h = 1e-4. So:
 * <ul>
 * <li>h = eps = 1e-2 and two Richardson steps over D(h), D(h/2), D(h/4):
 *     {@code (64 D(h/4) - 20 D(h/2) + D(h)) / 45}, which cancels the h^2 and h^4 terms (O(h^6));</li>
 * <li>an error estimate of that extrapolation, twice its distance from the one-step value of the two
 *     smallest steps, is added to the tolerance: large only where the function is curved on the scale
 *     of the step or has a kink nearby (where fixed tolerances used to flake), and it depends on the
 *     numeric side only, so it cannot excuse a wrong analytic gradient;</li>
 * <li>a noise floor {@code 6.6 * 3 * 1e-6 * sqrt(sum (v_k y_k)^2) / eps}: each element of y good to
 *     ~16 ulp (1e-6), independent roundings adding like a random walk (3 standard deviations), and the
 *     extrapolation amplifying an evaluation's error by at most 6.6 / eps. Not a multiple of |phi|, which
 *     cancellation can make arbitrarily small;</li>
 * <li>phi and every dot product summed in double; the analytic side uses the perturbation actually
 *     stored in float32 ({@code x+ - x-}), so rounding of {@code x + h u} is not counted as an error;
 *     a direction u has RMS 1 per element but a length of at most 10 (moving n elements at once moves
 *     a sum over them by ~sqrt(n) h: without the cap, curvature alone showed 2.6e-3 relative error).</li>
 * </ul>
 * The pass rule is |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|) + noise + estimate,
 * atol = 2e-4, rtol = 2e-3. Measured detection limits (GradCheckDetectionTest's y = tanh(A x), x of 100
 * elements, 1000 checks each, default settings): a whole-gradient error of 0.4% is caught 93% of the
 * time, 0.5% 98%, 1% always; an error in one typical element of 3% is caught 61%, 5% 93%, 10% always;
 * no false failure in 2000 correct checks nor in ~10,000 tries of the op and layer properties.
 * Keep inputs at least ~10 eps away from kinks and singularities (relu at 0, log at 0), where no
 * finite difference is meaningful, and lower eps for functions curved on a scale below ~0.1.
 *
 * <p>The function must be deterministic (seed any dropout) and must not change its inputs.
 * GradCheck opens its own {@link Tape}, perturbs the inputs' data in place and restores it exactly,
 * and restores their gradient buffers afterwards.
 *
 * <pre>{@code
 * Tensor w = Tensor.normal(0, 1, 7, 3, 4).requiresGrad(true);
 * Tensor x = Tensor.normal(0, 1, 8, 5, 4);                      // not checked: no gradient required
 * GradCheck.fast().check(in -> Ops.tanh(Ops.matmul(in[1], in[0], false, true)), w, x).assertPassed();
 * }</pre>
 */
public final class GradCheck {

    public enum Mode { FAST, FULL }

    /** the longest random direction: a step of at most 10 eps in total, however many elements move */
    static final double MAX_DIRECTION_NORM = 10;

    private final Mode mode;
    private final double eps;
    static final double DEFAULT_EPS = 1e-2;
    static final double DEFAULT_ATOL = 2e-4;
    static final double DEFAULT_RTOL = 2e-3;
    static final int DEFAULT_DIRECTIONS = 6;

    /** relative rounding error of one float32 evaluation of phi: ~8 ulp */
    private static final double FLOAT_RESULT_NOISE = 1e-6;

    private final double atol;
    private final double rtol;
    private final int directions;
    private final long seed;

    private GradCheck(Mode mode, double eps, double atol, double rtol, int directions, long seed) {
        this.mode = mode;
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
        this.directions = directions;
        this.seed = seed;
    }

    /** Directional checks: DEFAULT_DIRECTIONS random directions per input, eps 1e-2, atol 2e-4, rtol 2e-3 (see above). */
    public static GradCheck fast() {
        return new GradCheck(Mode.FAST, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, DEFAULT_DIRECTIONS, 42);
    }

    /** Per-coordinate checks (6 evaluations per element: for small inputs), same step and tolerances. */
    public static GradCheck full() {
        return new GradCheck(Mode.FULL, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, DEFAULT_DIRECTIONS, 42);
    }

    /** Checks f at inputs with {@link #fast()} and throws an AssertionError with the report on failure. */
    public static GradCheckReport assertGradients(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return fast().check(f, inputs).assertPassed();
    }

    public GradCheck eps(double step) {
        if (!(step > 0)) {
            throw new IllegalArgumentException("GradCheck: eps = " + step + ", expected > 0");
        }
        return new GradCheck(mode, step, atol, rtol, directions, seed);
    }

    public GradCheck tolerance(double absolute, double relative) {
        return new GradCheck(mode, eps, absolute, relative, directions, seed);
    }

    public GradCheck directions(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("GradCheck: directions = " + count + ", expected >= 1");
        }
        return new GradCheck(mode, eps, atol, rtol, count, seed);
    }

    public GradCheck seed(long s) {
        return new GradCheck(mode, eps, atol, rtol, directions, s);
    }

    /**
     * Checks the gradient of f with respect to every input that requires a gradient (the others are
     * passed to f as constants). Inputs must be leaves (made by Tensor factories).
     */
    public GradCheckReport check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor[] in = inputs.clone();
        List<Integer> checked = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            if (in[i].requiresGrad()) {
                if (!in[i].isLeaf()) {
                    throw new IllegalArgumentException("GradCheck: input " + i + " " + in[i].describe()
                            + " is an intermediate of a tape; pass leaves (Tensor factories, requiresGrad(true))");
                }
                checked.add(i);
            }
        }
        if (checked.isEmpty()) {
            throw new IllegalArgumentException("GradCheck: no input requires a gradient; mark the ones to check "
                    + "with requiresGrad(true)");
        }
        float[][] savedGrads = new float[in.length][];
        for (int i : checked) {
            savedGrads[i] = in[i].hasGrad() ? in[i].gradToArray() : null;
        }
        List<GradCheckReport.InputReport> reports = new ArrayList<>();
        try (Tape tape = new Tape()) {
            Tensor y = f.apply(in);
            if (y == null || !y.requiresGrad()) {
                throw new IllegalArgumentException("GradCheck: the function's result " + (y == null ? "is null"
                        : y.describe() + " does not require a gradient (it does not depend on a checked input)"));
            }
            float[] v = unitVector(y.size(), new Random(seed));
            for (int i : checked) {
                in[i].zeroGrad();
            }
            tape.backward(y, Tensor.wrap(v, 0, y.shapeRef()));
            double[][] g = new double[in.length][];
            for (int i : checked) {
                float[] gi = in[i].gradToArray();
                g[i] = new double[gi.length];
                for (int j = 0; j < gi.length; j++) {
                    g[i][j] = gi[j];
                }
            }
            tape.reset();
            for (int i : checked) {
                reports.add(mode == Mode.FAST ? checkDirections(f, in, i, g[i], v, tape)
                        : checkCoordinates(f, in, i, g[i], v, tape));
            }
        } finally {
            for (int i : checked) {
                in[i].zeroGrad();
                if (savedGrads[i] != null) {
                    System.arraycopy(savedGrads[i], 0, in[i].grad(), in[i].gradOffset(), savedGrads[i].length);
                }
            }
        }
        String settings = mode == Mode.FAST
                ? String.format("FAST (%d directions, eps %.3g with Richardson, atol %.3g, rtol %.3g)", directions, eps, atol, rtol)
                : String.format("FULL (per coordinate, eps %.3g with Richardson, atol %.3g, rtol %.3g)", eps, atol, rtol);
        return new GradCheckReport(settings, reports);
    }

    private GradCheckReport.InputReport checkDirections(Function<Tensor[], Tensor> f, Tensor[] in, int i, double[] g,
                                                        float[] v, Tape tape) {
        Tensor x = in[i];
        float[] data = x.data();
        int off = x.offset(), n = x.size();
        float[] x0 = x.toArray();
        Random random = new Random(seed * 31 + i + 1);
        Worst worst = new Worst();
        double[] u = new double[n];
        try {
            for (int d = 0; d < directions; d++) {
                double norm = 0;
                for (int j = 0; j < n; j++) {
                    u[j] = random.nextGaussian();
                    norm += u[j] * u[j];
                }
                // RMS 1 per element, but a length of at most MAX_DIRECTION_NORM (see the class comment)
                double scale = Math.min(Math.sqrt(n), MAX_DIRECTION_NORM) / Math.sqrt(norm);
                for (int j = 0; j < n; j++) {
                    u[j] *= scale;
                }
                // phi at x0 +- t u for t = eps, eps/2, eps/4; the analytic side uses the perturbation actually
                // stored in float32 (x+ - x-), so rounding of x0 + t u does not count as an error
                double[] magnitude = new double[1];
                double[] numeric = new double[3];
                double[] along = new double[3];
                for (int s = 0; s < 3; s++) {
                    double t = eps / (1 << s);
                    for (int j = 0; j < n; j++) {
                        data[off + j] = (float) (x0[j] + t * u[j]);
                    }
                    double plus = phi(f, in, v, tape, magnitude);
                    for (int j = 0; j < n; j++) {
                        data[off + j] = (float) (x0[j] - t * u[j]);
                    }
                    double minus = phi(f, in, v, tape, magnitude);
                    double a = 0;
                    for (int j = 0; j < n; j++) {
                        a += g[j] * ((double) (float) (x0[j] + t * u[j]) - (float) (x0[j] - t * u[j]));
                    }
                    along[s] = a / (2 * t);
                    numeric[s] = (plus - minus) / (2 * t);
                }
                worst.add(richardson(along), richardson(numeric), noiseFloor(magnitude[0]) + truncationEstimate(numeric), d);
            }
        } finally {
            System.arraycopy(x0, 0, data, off, n);
        }
        return worst.report(x, i, j -> "direction " + j);
    }

    private GradCheckReport.InputReport checkCoordinates(Function<Tensor[], Tensor> f, Tensor[] in, int i, double[] g,
                                                         float[] v, Tape tape) {
        Tensor x = in[i];
        float[] data = x.data();
        int off = x.offset(), n = x.size();
        Worst worst = new Worst();
        for (int j = 0; j < n; j++) {
            float x0 = data[off + j];
            try {
                double[] d = new double[3];
                double[] magnitude = new double[1];
                for (int s = 0; s < 3; s++) {
                    double h = eps / (1 << s);
                    float plus = (float) (x0 + h), minus = (float) (x0 - h);
                    data[off + j] = plus;
                    double fp = phi(f, in, v, tape, magnitude);
                    data[off + j] = minus;
                    double fm = phi(f, in, v, tape, magnitude);
                    d[s] = (fp - fm) / ((double) plus - minus);
                }
                worst.add(g[j], richardson(d), noiseFloor(magnitude[0]) + truncationEstimate(d), j);
            } finally {
                data[off + j] = x0;
            }
        }
        int[] shape = x.shapeRef();
        return worst.report(x, i, j -> Shapes.position(shape, j));
    }

    /**
     * Central differences D(h), D(h/2), D(h/4) combined by two Richardson steps, which cancel the h^2 and
     * h^4 terms: (64 D(h/4) - 20 D(h/2) + D(h)) / 45, O(h^6).
     */
    static double richardson(double[] d) {
        return (64 * d[2] - 20 * d[1] + d[0]) / 45;
    }

    /**
     * How far the extrapolation may still be off: twice its distance from the one-step Richardson value
     * of the two smallest steps. Small on smooth functions (the O(h^4) term is what it measures); it
     * grows where the function is curved on the scale of the step or has a kink nearby, which is where
     * a fixed tolerance used to flake. It depends on the numeric side only, so it cannot hide a wrong
     * analytic gradient where the differences agree with each other.
     */
    static double truncationEstimate(double[] d) {
        return 2 * Math.abs(richardson(d) - (4 * d[2] - d[1]) / 3);
    }

    /**
     * How finely the extrapolated difference of float32 evaluations resolves a derivative: each phi is
     * good to FLOAT_RESULT_NOISE relative, and (64 D(h/4) - 20 D(h/2) + D(h)) / 45 amplifies an
     * evaluation error e by at most (64 * 4 + 20 * 2 + 1) / 45 = 6.6 e / h. The error of one phi is
     * taken as 3 standard deviations of independent per-element errors of FLOAT_RESULT_NOISE relative:
     * 3 * FLOAT_RESULT_NOISE * sqrt(sum (v_k y_k)^2), not a multiple of |phi|, which cancellation can make
     * arbitrarily small.
     */
    private double noiseFloor(double magnitude) {
        return 6.6 * 3 * FLOAT_RESULT_NOISE * magnitude / eps;
    }

    /**
     * v . f(in), summed in double, without recording; also stores sqrt(sum (v_k y_k)^2) in magnitude[0],
     * the scale of its rounding noise: terms that cancel in the sum still carry their own rounding, and
     * the roundings of different elements are independent, so they add like a random walk.
     */
    private static double phi(Function<Tensor[], Tensor> f, Tensor[] in, float[] v, Tape tape, double[] magnitude) {
        double s = 0;
        double m = 0;
        // the inputs (parameters among them) were written in place: no cache of packed weights may outlive that
        ParameterUpdates.record();
        try (Tape.NoGrad ignored = tape.noGrad()) {
            Tensor y = f.apply(in);
            float[] d = y.data();
            for (int k = 0, o = y.offset(); k < v.length; k++) {
                double term = (double) v[k] * d[o + k];
                s += term;
                m += term * term;
            }
        }
        tape.reset();
        magnitude[0] = Math.max(magnitude[0], Math.sqrt(m));
        return s;
    }

    private static float[] unitVector(int n, Random random) {
        float[] v = new float[n];
        if (n == 1) {
            v[0] = 1f;
            return v;
        }
        double norm = 0;
        for (int k = 0; k < n; k++) {
            v[k] = (float) random.nextGaussian();
            norm += (double) v[k] * v[k];
        }
        float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-30)));
        for (int k = 0; k < n; k++) {
            v[k] *= inv;
        }
        return v;
    }

    /** Tracks the maxima and the comparison furthest beyond its tolerance. */
    private final class Worst {
        int count;
        double maxAbs;
        double maxRel;
        double worstRatio = -1;
        int worstAt;
        double worstAnalytic;
        double worstNumeric;
        boolean passed = true;

        void add(double analytic, double numeric, double noise, int at) {
            count++;
            double abs = Math.abs(analytic - numeric);
            double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
            double rel = scale == 0 ? 0 : abs / scale;
            double bound = atol + rtol * scale + noise;
            double ratio = Double.isNaN(abs) ? Double.POSITIVE_INFINITY : abs / bound;
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, rel);
            if (!(abs <= bound)) {
                passed = false;
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worstAt = at;
                worstAnalytic = analytic;
                worstNumeric = numeric;
            }
        }

        GradCheckReport.InputReport report(Tensor x, int index, java.util.function.IntFunction<String> where) {
            return new GradCheckReport.InputReport(index, x.name(), x.shape(), count, maxAbs, maxRel,
                    count == 0 ? "-" : where.apply(worstAt), worstAnalytic, worstNumeric, passed);
        }
    }
}
