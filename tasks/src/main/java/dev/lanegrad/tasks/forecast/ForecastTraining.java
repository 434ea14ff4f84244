package dev.lanegrad.tasks.forecast;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.data.Indices;
import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.tasks.data.SeriesSplit;
import dev.lanegrad.tasks.data.SeriesWindows;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.LrSchedule;
import dev.lanegrad.tasks.TrainingListener;
import dev.lanegrad.tasks.TrainingLoop;

import java.util.SplittableRandom;

/**
 * Trains a {@link ForecastModel} on one series, the classic sequence-regression way: chronological
 * train / validation / test split, a scaler fitted on the training part only, windows of {@code window}
 * values mapped to the next {@code horizon}, MSE and Adam, and the weights of the epoch with the lowest
 * validation loss kept. Then it measures the test errors against the naive baselines.
 */
public final class ForecastTraining {

    private ForecastTraining() {
    }

    /** The chronological split the config makes of a series of n values; checks that every part has samples. */
    public static SeriesSplit split(double[] series, ForecastConfig cfg) {
        int n = series.length;
        if (n == 0) {
            throw new IllegalArgumentException("the series is empty; expected numbers to forecast");
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(series[i])) {
                throw new IllegalArgumentException("value " + i + " of the series is " + series[i] + ", expected a finite number");
            }
        }
        int w = cfg.window();
        int h = cfg.horizon();
        if (w >= n) {
            throw new IllegalArgumentException("window " + w + " is longer than the series of " + n + " values; expected a window"
                    + " well below the training part (" + Math.round(100 * cfg.trainFraction()) + "% of the series)");
        }
        SeriesSplit s = SeriesSplit.chronological(series, cfg.trainFraction(), cfg.validationFraction());
        if (w + h > s.train().length) {
            throw new IllegalArgumentException("window " + w + " + horizon " + h + " do not fit the training part of "
                    + s.train().length + " values (the first " + Math.round(100 * cfg.trainFraction()) + "% of " + n
                    + "); expected window + horizon <= " + s.train().length);
        }
        if (h > s.validation().length || h > s.test().length) {
            throw new IllegalArgumentException("horizon " + h + " is longer than the validation part (" + s.validation().length
                    + " values) or the test part (" + s.test().length + " values) of a series of " + n
                    + "; expected a shorter horizon or a longer series");
        }
        return s;
    }

    /** Trains, keeps the best validation epoch, and evaluates on the test part. */
    public static ForecastResult train(double[] series, ForecastConfig cfg, TrainingListener listener) {
        long t0 = System.nanoTime();
        SeriesSplit split = split(series, cfg);
        Scaler scaler = Scaler.fit(cfg.scaler(), split.train());
        float[] scaled = scaler.transform(series);
        int w = cfg.window();
        int h = cfg.horizon();
        SeriesWindows train = new SeriesWindows(scaled, w, h, w, split.validationStart());
        SeriesWindows validation = new SeriesWindows(scaled, w, h, split.validationStart(), split.testStart());
        SeriesWindows test = new SeriesWindows(scaled, w, h, split.testStart(), series.length);

        ForecastModel model = new ForecastModel(cfg.cell(), cfg.hidden(), cfg.layers(), cfg.dropout(), h, cfg.seed());
        Forecaster forecaster = new Forecaster(model, cfg, scaler);
        Adam adam = new Adam(model.parameters(), cfg.lr());
        int n = train.size();
        int steps = stepsOf(n, cfg.batch());
        int[] validationStarts = starts(validation);
        TrainingLoop.Task task = new TrainingLoop.Task() {
            final SplittableRandom random = new SplittableRandom(cfg.seed() ^ 0x5DEECE66DL);
            final int[] order = Indices.identity(n);
            int step;
            int b;

            @Override
            public Tensor forward() {
                if (step == 0) {
                    Indices.shuffle(order, random);
                }
                int from = step * cfg.batch();
                b = Math.min(cfg.batch(), n - from);
                step = step + 1 == steps ? 0 : step + 1;
                int[] samples = java.util.Arrays.copyOfRange(order, from, from + b);
                float[] x = new float[w * b];
                float[] y = new float[h * b];
                train.fill(samples, x, y);
                return Ops.mseLoss(model.forward(Tensor.wrap(x, 0, w, b, 1)), Tensor.wrap(y, 0, b, h));
            }

            @Override
            public long examples() {
                return b;
            }

            @Override
            public TrainingLoop.Score validate() {
                double loss = mse(forecaster.predictScaled(scaled, validationStarts), validation);
                // in the data's units: both scalers are affine, so an error scales by the scaler's scale
                return new TrainingLoop.Score(loss, Math.sqrt(loss) * scaler.scale());
            }
        };
        TrainingLoop.Recorded run = new TrainingLoop(model, adam, task)
                .schedule(LrSchedule.cosine(cfg.lr(), (long) cfg.epochs() * steps, cfg.lr() / 10))
                .clip(cfg.clipNorm()).epochs(cfg.epochs(), steps).keepBest(TrainingLoop.Better.LOWER_LOSS, cfg.patience())
                .runInMemory(listener);
        model.eval();

        int[] testStarts = starts(test);
        double[] predicted = forecaster.predictAt(series, testStarts);
        double[] actual = new double[testStarts.length * h];
        for (int i = 0; i < testStarts.length; i++) {
            System.arraycopy(series, testStarts[i], actual, i * h, h);
        }
        ErrorMetrics modelErrors = ErrorMetrics.of(actual, predicted);
        ErrorMetrics naive = ErrorMetrics.of(actual, Baselines.naive(series, testStarts, h));
        ErrorMetrics seasonal = Baselines.seasonalApplies(testStarts, cfg.season())
                ? ErrorMetrics.of(actual, Baselines.seasonalNaive(series, testStarts, h, cfg.season())) : null;
        double[] firstActual = new double[testStarts.length];
        double[] firstPredicted = new double[testStarts.length];
        for (int i = 0; i < testStarts.length; i++) {
            firstActual[i] = actual[i * h];
            firstPredicted[i] = predicted[i * h];
        }
        return new ForecastResult(forecaster, run.bestEpoch(), run.history(), modelErrors, naive, seasonal, testStarts,
                firstActual, firstPredicted, split.train().length, split.validationStart(), split.testStart(),
                (System.nanoTime() - t0) / 1e9);
    }

    private static int stepsOf(int samples, int batch) {
        return (samples + batch - 1) / batch;
    }

    private static int[] starts(SeriesWindows windows) {
        int[] s = new int[windows.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = windows.targetStart(i);
        }
        return s;
    }

    /** Mean squared error of scaled predictions [sample][step] against the windows' targets. */
    private static double mse(float[] predicted, SeriesWindows windows) {
        int h = windows.horizon();
        double se = 0;
        for (int i = 0; i < windows.size(); i++) {
            float[] target = windows.target(i);
            for (int k = 0; k < h; k++) {
                double d = predicted[i * h + k] - target[k];
                se += d * d;
            }
        }
        return se / ((double) windows.size() * h);
    }
}
