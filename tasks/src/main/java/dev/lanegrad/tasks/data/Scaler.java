package dev.lanegrad.tasks.data;

import java.util.Locale;

/**
 * An affine rescaling {@code y = (x - shift) / scale}, fitted on the training part only (fitting on all
 * the data would leak the future into the past). {@link #encode()} / {@link #parse(String)} keep it in a
 * checkpoint's metadata so that forecasts can be mapped back to the data's units.
 */
public record Scaler(Kind kind, double shift, double scale) {

    public enum Kind {
        /** To [0, 1] over the training values. */
        MINMAX,
        /** To mean 0 and standard deviation 1 over the training values. */
        STANDARD
    }

    public Scaler {
        if (!(scale > 0) || !Double.isFinite(scale) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException("scaler shift " + shift + " and scale " + scale + " must be finite, scale > 0");
        }
    }

    public static Scaler fit(Kind kind, double[] train) {
        return kind == Kind.MINMAX ? fitMinMax(train) : fitStandard(train);
    }

    /** A constant series gets scale 1, so that it maps to 0 rather than dividing by 0. */
    public static Scaler fitMinMax(double[] train) {
        requireValues(train);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : train) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new Scaler(Kind.MINMAX, min, max > min ? max - min : 1);
    }

    /** Population standard deviation; a constant series gets scale 1. */
    public static Scaler fitStandard(double[] train) {
        requireValues(train);
        double mean = 0;
        for (double v : train) {
            mean += v;
        }
        mean /= train.length;
        double ss = 0;
        for (double v : train) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / train.length);
        return new Scaler(Kind.STANDARD, mean, sd > 0 ? sd : 1);
    }

    private static void requireValues(double[] train) {
        if (train.length == 0) {
            throw new IllegalArgumentException("cannot fit a scaler on no values");
        }
    }

    public double apply(double x) {
        return (x - shift) / scale;
    }

    public double invert(double y) {
        return y * scale + shift;
    }

    /** The scaled values as float32, the engine's type. */
    public float[] transform(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) apply(values[i]);
        }
        return out;
    }

    /** Back to the data's units. */
    public double[] inverse(float[] scaled) {
        double[] out = new double[scaled.length];
        for (int i = 0; i < scaled.length; i++) {
            out[i] = invert(scaled[i]);
        }
        return out;
    }

    /** E.g. {@code "minmax 0.0 253.8"}; exact (shortest round-trip decimal of each double). */
    public String encode() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + shift + " " + scale;
    }

    public static Scaler parse(String text) {
        String[] parts = text.strip().split("\\s+");
        try {
            if (parts.length == 3) {
                return new Scaler(Kind.valueOf(parts[0].toUpperCase(Locale.ROOT)), Double.parseDouble(parts[1]),
                        Double.parseDouble(parts[2]));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("not a scaler: \"" + text + "\", expected \"minmax|standard <shift> <scale>\"");
    }
}
