package dev.lanegrad.autograd;

import java.util.List;

/**
 * What {@link GradCheck} found: for each checked input, the largest absolute and relative difference
 * between the tape's gradient and the finite-difference estimate, and where the worst one was.
 */
public final class GradCheckReport {

    /**
     * One input's result.
     *
     * @param index      the input's position in the argument list
     * @param name       its name, or null
     * @param shape      its shape
     * @param checks     how many comparisons were made (directions, or coordinates)
     * @param maxAbs     max |analytic - numeric|
     * @param maxRel     max |analytic - numeric| / max(|analytic|, |numeric|)
     * @param where      the worst comparison (the one furthest beyond its tolerance): "direction 2" or "[1, 3]"
     * @param analytic   the tape's value there (a directional derivative, or one gradient element)
     * @param numeric    the finite-difference value there
     * @param passed     whether every comparison was within atol + rtol * max(|analytic|, |numeric|)
     */
    public record InputReport(int index, String name, int[] shape, int checks, double maxAbs, double maxRel,
                              String where, double analytic, double numeric, boolean passed) {

        @Override
        public String toString() {
            return String.format("input %d%s %s: max abs %.3g, max rel %.3g over %d checks; worst at %s "
                            + "(analytic %.7g, numeric %.7g)%s", index, name == null ? "" : " '" + name + "'",
                    Shapes.str(shape), maxAbs, maxRel, checks, where, analytic, numeric, passed ? "" : "  <-- FAILED");
        }
    }

    private final String settings;
    private final List<InputReport> inputs;

    GradCheckReport(String settings, List<InputReport> inputs) {
        this.settings = settings;
        this.inputs = List.copyOf(inputs);
    }

    public List<InputReport> inputs() {
        return inputs;
    }

    public boolean passed() {
        for (InputReport r : inputs) {
            if (!r.passed()) {
                return false;
            }
        }
        return true;
    }

    /** The largest absolute error over all inputs. */
    public double maxAbsError() {
        double m = 0;
        for (InputReport r : inputs) {
            m = Math.max(m, r.maxAbs());
        }
        return m;
    }

    /** The largest relative error over all inputs. */
    public double maxRelError() {
        double m = 0;
        for (InputReport r : inputs) {
            m = Math.max(m, r.maxRel());
        }
        return m;
    }

    /** Throws an AssertionError carrying this report unless every input passed; returns this. */
    public GradCheckReport assertPassed() {
        if (!passed()) {
            throw new AssertionError(toString());
        }
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GradCheck ").append(settings).append(": ")
                .append(passed() ? "passed" : "FAILED");
        for (InputReport r : inputs) {
            sb.append("\n  ").append(r);
        }
        return sb.toString();
    }
}
