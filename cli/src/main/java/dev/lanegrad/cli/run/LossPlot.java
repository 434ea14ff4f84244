package dev.lanegrad.cli.run;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Train and validation loss against step, rendered to a PNG with XChart (headless: no display is
 * needed, {@code java.awt.headless} is set to true before AWT loads).
 *
 * <pre>{@code
 * LossPlot plot = new LossPlot(run.resolve("loss.png"), "char-LM, tiny Shakespeare", "cross-entropy (nats/char)");
 * plot.addTrain(step, loss);            // every step; the curve is drawn as bucket means (<= 400 points)
 * plot.addValidation(step, valLoss);    // each validation, drawn with markers
 * plot.saveIfDue(10_000);               // re-renders at most every 10 s (rendering takes ~50 ms)
 * plot.save();                          // at the end
 * }</pre>
 *
 * Saving is atomic ({@link RunDirectory#writeAtomically}), so an image viewer or a killed run never
 * sees half a PNG. Thread-safe: the trainer adds points while another thread may save.
 */
public final class LossPlot {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int MAX_TRAIN_POINTS = 400;

    private final Path file;
    private final String title;
    private final String yTitle;
    private final List<double[]> train = new ArrayList<>();
    private final List<double[]> validation = new ArrayList<>();
    private long lastSave = Long.MIN_VALUE;
    private int width = 900;
    private int height = 540;

    public LossPlot(Path file, String title, String yTitle) {
        this.file = file;
        this.title = title;
        this.yTitle = yTitle;
    }

    /** Image size in pixels (default 900 x 540). */
    public LossPlot size(int width, int height) {
        this.width = width;
        this.height = height;
        return this;
    }

    public Path file() {
        return file;
    }

    public synchronized void addTrain(long step, double loss) {
        if (Double.isFinite(loss)) train.add(new double[] {step, loss});
    }

    public synchronized void addValidation(long step, double loss) {
        if (Double.isFinite(loss)) validation.add(new double[] {step, loss});
    }

    /** Saves when at least {@code minIntervalMillis} passed since the last save; returns whether it saved. */
    public boolean saveIfDue(long minIntervalMillis) throws IOException {
        long now = System.nanoTime() / 1_000_000L;
        synchronized (this) {
            if (lastSave != Long.MIN_VALUE && now - lastSave < minIntervalMillis) {
                return false;
            }
            lastSave = now;
        }
        save();
        return true;
    }

    /** Renders the PNG now and replaces the file atomically. Does nothing before the first point. */
    public void save() throws IOException {
        byte[] png;
        synchronized (this) {
            lastSave = System.nanoTime() / 1_000_000L;
            if (train.isEmpty() && validation.isEmpty()) return;
            png = BitmapEncoder.getBitmapBytes(chart(), BitmapEncoder.BitmapFormat.PNG);
        }
        RunDirectory.writeAtomically(file, out -> out.write(png));
    }

    /**
     * Any line chart over one x axis, e.g. actual vs predicted values of a forecast: one line per entry of
     * {@code lines} (name to y values, each as long as {@code x}), in the map's order and the same colours
     * as the loss curves; x tick labels with {@code xPattern} (a DecimalFormat pattern, e.g. "0" for years);
     * saved as a PNG of width x height pixels, atomically.
     */
    public static void saveLines(Path file, String title, String xTitle, String yTitle, double[] x, String xPattern,
            java.util.Map<String, double[]> lines, int width, int height) throws IOException {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern(xPattern);
        // whole-number ends and wider tick spacing: round ticks (1950, 1955...) rather than 1948.75, 1951.5...
        chart.getStyler().setXAxisTickMarkSpacingHint(90);
        if (x.length > 0) {
            chart.getStyler().setXAxisMin(Math.floor(java.util.Arrays.stream(x).min().getAsDouble()));
            chart.getStyler().setXAxisMax(Math.ceil(java.util.Arrays.stream(x).max().getAsDouble()));
        }
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f)};
        int i = 0;
        for (java.util.Map.Entry<String, double[]> e : lines.entrySet()) {
            if (e.getValue().length != x.length) {
                throw new IllegalArgumentException("line " + e.getKey() + " has " + e.getValue().length + " values for "
                        + x.length + " x values");
            }
            XYSeries s = chart.addSeries(e.getKey(), x, e.getValue());
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(colors[i % colors.length]);
            s.setLineStyle(new BasicStroke(i == 0 ? 1.5f : 1.2f));
            i++;
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        RunDirectory.writeAtomically(file, out -> out.write(png));
    }

    private XYChart chart() {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle("step").yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("0.00");
        if (!train.isEmpty()) {
            double[][] xy = bucketMeans(train, MAX_TRAIN_POINTS);
            XYSeries s = chart.addSeries("train (mean per " + bucket(train.size()) + " step"
                    + (bucket(train.size()) == 1 ? "" : "s") + ")", xy[0], xy[1]);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(new Color(0x1f77b4));
            s.setLineStyle(new BasicStroke(1.5f));
        }
        if (!validation.isEmpty()) {
            double[][] xy = bucketMeans(validation, Integer.MAX_VALUE);
            XYSeries s = chart.addSeries("validation", xy[0], xy[1]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(new Color(0xd62728));
            s.setMarkerColor(new Color(0xd62728));
            s.setLineStyle(new BasicStroke(2f));
        }
        return chart;
    }

    private static int bucket(int n) {
        return Math.max(1, (n + MAX_TRAIN_POINTS - 1) / MAX_TRAIN_POINTS);
    }

    /** Means of consecutive buckets so that at most {@code max} points are drawn. */
    private static double[][] bucketMeans(List<double[]> points, int max) {
        int per = max == Integer.MAX_VALUE ? 1 : bucket(points.size());
        int n = (points.size() + per - 1) / per;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int b = 0; b < n; b++) {
            int from = b * per;
            int to = Math.min(points.size(), from + per);
            double sx = 0;
            double sy = 0;
            for (int i = from; i < to; i++) {
                sx += points.get(i)[0];
                sy += points.get(i)[1];
            }
            x[b] = to - from == 1 ? sx : points.get(to - 1)[0];
            y[b] = sy / (to - from);
        }
        return new double[][] {x, y};
    }
}
