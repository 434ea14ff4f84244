package dev.lanegrad.cli;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.cli.run.LossPlot;
import dev.lanegrad.cli.run.RunDirectory;
import dev.lanegrad.cli.run.RunProgress;
import dev.lanegrad.tasks.data.BundledData;
import dev.lanegrad.tasks.data.CsvTable;
import dev.lanegrad.tasks.data.SeriesSplit;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.CheckpointFolder;
import dev.lanegrad.tasks.forecast.ErrorMetrics;
import dev.lanegrad.tasks.forecast.ForecastConfig;
import dev.lanegrad.tasks.forecast.ForecastDates;
import dev.lanegrad.tasks.forecast.ForecastResult;
import dev.lanegrad.tasks.forecast.ForecastTraining;
import dev.lanegrad.tasks.forecast.Forecaster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lanegrad forecast}: parses options, wires progress and plots, prints; the work is in models' tasks.forecast. */
@Command(name = "forecast", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        description = {"Train a recurrent forecaster on a time series and compare it with the naive forecasts.",
                "The model: stacked LSTM or GRU -> Linear, MSE, Adam (--lr with cosine decay to a tenth); its test RMSE "
                        + "and MAE are reported next to the naive and seasonal-naive forecasts.",
                "Default data: the bundled Zurich monthly sunspot numbers 1749-1983 (season 132 months, the ~11-year cycle).",
                "The series is split chronologically (70%% train, 15%% validation, 15%% test); the scaler is fitted on the "
                        + "training part only; the epoch with the lowest validation loss is kept.",
                "Writes to --out: model.safetensors, config.json (with the scaler), forecast.png (test: actual vs "
                        + "predicted), loss.png, metrics.jsonl, results.json.",
                "With --checkpoint DIR: forecasts the values after the end of the series with a saved model instead."})
public final class ForecastCommand implements Callable<Integer> {

    private static final ForecastConfig DEFAULTS = ForecastConfig.builder().build();
    /** The sunspot cycle is ~11 years; monthly data with a yearly pattern would use 12. */
    static final int SUNSPOT_SEASON = 132;

    @Option(names = "--csv", paramLabel = "FILE", description = "a CSV file with a header row (default: the bundled sunspots)")
    Path csv;

    @Option(names = "--column", paramLabel = "NAME", description = "the column to forecast (needed with --csv; default "
            + "for the sunspots: Sunspots)")
    String column;

    @Option(names = "--window", description = "past values the model reads")
    int window = DEFAULTS.window();

    @Option(names = "--horizon", description = "future values it predicts")
    int horizon = DEFAULTS.horizon();

    @Mixin
    EpochOptions training = new EpochOptions(DEFAULTS);

    @Option(names = "--dropout", description = "dropout between stacked layers")
    float dropout = DEFAULTS.dropout();

    @Option(names = "--season", description = "lag of the seasonal-naive baseline, 0 = none (default: 132 for the "
            + "bundled sunspots, 0 for --csv; use 12 for monthly data with a yearly pattern)")
    Integer season;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "a run folder of `lanegrad forecast`: forecast "
            + "the values after the end of the series (--csv/--column, or the sunspots) with it")
    Path checkpoint;

    @Mixin
    ThreadsOption engineThreads = new ThreadsOption(EngineThreads.threads());

    @Override
    public Integer call() throws Exception {
        engineThreads.apply();
        if (csv == null && column != null && !column.equals("Sunspots")) {
            throw new IllegalArgumentException("--column " + column + " needs --csv FILE (the bundled sunspots have the "
                    + "column Sunspots)");
        }
        if (csv != null && column == null) {
            throw new IllegalArgumentException("--csv " + csv + " needs --column NAME (the column to forecast)");
        }
        return checkpoint != null ? forecastAhead() : train();
    }

    private int forecastAhead() throws Exception {
        Forecaster f = Forecaster.load(checkpoint);
        CsvTable table = csv == null ? BundledData.sunspots() : InputFiles.csv(csv);
        double[] series = table.numbers(csv == null ? "Sunspots" : column);
        if (series.length < f.config().window()) {
            throw new IllegalArgumentException("the series has " + series.length + " values; the model in " + checkpoint
                    + " reads the last " + f.config().window());
        }
        double[] next = f.predict(series);
        System.out.printf(Locale.ROOT, "the %d value%s after the %d values of %s (model %s, window %d):%n", next.length,
                next.length == 1 ? "" : "s", series.length, csv == null ? "the bundled sunspots" : csv + ", column " + column,
                checkpoint, f.config().window());
        // with a date column, each forecast is printed with its date (the step of the last two rows)
        java.util.List<String> dates = ForecastDates.of(table, csv == null ? "Sunspots" : column)
                .map(d -> d.next(next.length)).orElse(null);
        for (int k = 0; k < next.length; k++) {
            System.out.printf(Locale.ROOT, "t+%d\t%s%.4f%n", k + 1, dates == null ? "" : dates.get(k) + "\t", next[k]);
        }
        return 0;
    }

    private int train() throws Exception {
        long t0 = System.nanoTime();
        PrintStream o = System.out;
        // everything is checked before anything is written
        ForecastConfig cfg = training.applyTo(ForecastConfig.builder()).window(window).horizon(horizon).dropout(dropout)
                .season(season != null ? season : csv == null ? SUNSPOT_SEASON : 0).build();
        CsvTable table = csv == null ? BundledData.sunspots() : InputFiles.csv(csv);
        String name = csv == null ? "Sunspots" : column;
        double[] series = table.numbers(name);
        SeriesSplit split = ForecastTraining.split(series, cfg);
        String source = csv == null ? "bundled " + BundledData.MONTHLY_SUNSPOTS : csv.toString();
        o.printf(Locale.ROOT, "forecast %s, column %s: %d values; train %d (the scaler is fitted on these only), "
                        + "validation %d, test %d%n", source, name, series.length, split.train().length,
                split.validation().length, split.test().length);

        RunDirectory run = RunDirectory.create(training.out);
        ForecastResult r;
        try (RunProgress progress = new RunProgress("forecast", "ex", "lanegrad forecast", "MSE (scaled)", run, System.err, false)
                .score("val_rmse", "%.3f")) {
            r = ForecastTraining.train(series, cfg, progress);
        }
        double[] x = timeAxis(table, csv == null, r.testIndices());
        Map<String, double[]> lines = new LinkedHashMap<>();
        lines.put("actual", r.testActual());
        lines.put("model (" + Cells.name(cfg.cell()).toUpperCase(Locale.ROOT) + ", 1 step ahead)", r.testPredicted());
        LossPlot.saveLines(run.resolve("forecast.png"), "lanegrad forecast: " + name + ", test part (RMSE model "
                        + fmt(r.model().rmse()) + ", naive " + fmt(r.naive().rmse()) + ")",
                csv == null ? "year" : "row of the series", name, x, "0", lines, 1000, 500);
        r.forecaster().save(run.path());
        run.writeString("results.json", results(source, name, cfg, r));

        o.printf(Locale.ROOT, "model: %s %d x %d, window %d, horizon %d, %d parameters; best epoch %d of %d "
                        + "(validation RMSE %.3f)%n", Cells.name(cfg.cell()).toUpperCase(Locale.ROOT), cfg.layers(), cfg.hidden(),
                cfg.window(), cfg.horizon(), r.forecaster().model().parameterCount(), r.bestEpoch(), r.history().size(),
                r.history().get(r.bestEpoch() - 1).validationScore());
        o.printf(Locale.ROOT, "test: %d forecasts of %d step%s, errors in the data's units%n", r.testIndices().length,
                cfg.horizon(), cfg.horizon() == 1 ? "" : "s");
        row(o, "model", r.model());
        row(o, "naive (last value)", r.naive());
        if (r.seasonalNaive() != null) {
            row(o, "seasonal naive (" + cfg.season() + ")", r.seasonalNaive());
        } else if (cfg.season() > 0) {
            o.printf(Locale.ROOT, "  seasonal naive (%d): not applicable, the test part starts fewer than %d values in%n",
                    cfg.season(), cfg.season());
        }
        double gain = 100 * (1 - r.model().rmse() / r.naive().rmse());
        if (Double.isFinite(gain)) {
            o.printf(Locale.ROOT, "the model's RMSE is %.1f%% %s than the naive forecast's%n", Math.abs(gain),
                    gain >= 0 ? "lower" : "HIGHER");
        } else {
            o.printf(Locale.ROOT, "the model's RMSE against the naive forecast's: n/a (naive RMSE %s, model RMSE %s)%n",
                    r.naive().rmse(), r.model().rmse());
        }
        o.printf(Locale.ROOT, "saved %s: %s, %s, forecast.png, loss.png, metrics.jsonl, results.json%n", run.path(),
                CheckpointFolder.WEIGHTS, CheckpointFolder.CONFIG);
        o.printf(Locale.ROOT, "time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static void row(PrintStream o, String what, ErrorMetrics m) {
        o.printf(Locale.ROOT, "  %-24s RMSE %9.3f   MAE %9.3f%n", what, m.rmse(), m.mae());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Years for the bundled monthly sunspots ("1749-01"), otherwise the row index. */
    private static double[] timeAxis(CsvTable table, boolean sunspots, int[] indices) {
        double[] x = new double[indices.length];
        String[] months = sunspots ? table.strings("Month") : null;
        for (int i = 0; i < x.length; i++) {
            if (months != null) {
                String[] ym = months[indices[i]].split("-");
                x[i] = Integer.parseInt(ym[0]) + (Integer.parseInt(ym[1]) - 1) / 12.0;
            } else {
                x[i] = indices[i];
            }
        }
        return x;
    }

    private static String results(String source, String column, ForecastConfig cfg, ForecastResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("column", column);
        m.put("test_forecasts", r.testIndices().length);
        m.put("horizon", cfg.horizon());
        m.put("best_epoch", r.bestEpoch());
        m.put("model_rmse", r.model().rmse());
        m.put("model_mae", r.model().mae());
        m.put("naive_rmse", r.naive().rmse());
        m.put("naive_mae", r.naive().mae());
        if (r.seasonalNaive() != null) {
            m.put("season", cfg.season());
            m.put("seasonal_naive_rmse", r.seasonalNaive().rmse());
            m.put("seasonal_naive_mae", r.seasonalNaive().mae());
        }
        m.put("seconds", r.seconds());
        return CheckpointFolder.toJson(m);
    }
}
