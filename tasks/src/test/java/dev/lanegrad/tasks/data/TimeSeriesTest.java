package dev.lanegrad.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TimeSeriesTest {

    static CsvTable csv(String text) throws IOException {
        return CsvTable.read(new StringReader(text), "test.csv");
    }

    @Test
    void readsTheBundledSunspots() {
        CsvTable t = BundledData.sunspots();
        assertEquals(List.of("Month", "Sunspots"), t.columns());
        assertEquals(2820, t.size());
        double[] s = t.numbers("Sunspots");
        assertEquals(58.0, s[0]);
        assertEquals(62.6, s[1]);
        assertEquals("1749-01", t.strings("Month")[0]);
        assertEquals("1983-12", t.strings("Month")[2819]);
    }

    @Test
    void quotedFieldsAndBlankLines() throws IOException {
        CsvTable t = csv("\uFEFF\"Date\", \"Value, in m\"\n\"1981-01-01\",\"20.7\"\n\n\"say \"\"hi\"\"\",3\n");
        assertEquals(List.of("Date", "Value, in m"), t.columns());
        assertArrayEquals(new double[] {20.7, 3}, t.numbers("Value, in m"));
        assertEquals("say \"hi\"", t.strings("Date")[1]);
    }

    @Test
    void missingColumnListsTheColumns() throws IOException {
        CsvTable t = csv("\"Month\",\"Sunspots\"\n\"1749-01\",58.0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.numbers("Temp"));
        assertEquals("column \"Temp\" not found in test.csv; the columns are: Month, Sunspots", e.getMessage());
    }

    @Test
    void nonNumberNamesTheLine() throws IOException {
        CsvTable t = csv("Month,Sunspots\n1749-01,58.0\n\n1749-02,n/a\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.numbers("Sunspots"));
        assertEquals("test.csv line 4: \"n/a\" in column Sunspots is not a number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> csv("a,b\n1,NaN\n").numbers("b"));
        assertEquals("test.csv line 2: \"NaN\" in column b is not a number", e.getMessage());
    }

    @Test
    void wrongFieldCountsAndBadQuotes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> csv("a,b\n1,2\n3\n"));
        assertEquals("test.csv line 3: 1 fields, but the header has 2 (a, b)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> csv("a,b\n\"1,2\n"));
        assertEquals("test.csv line 2: unterminated quoted field", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> csv(""));
        assertEquals("test.csv: empty file, expected a header row", e.getMessage());
    }

    @Property
    void chronologicalSplitKeepsOrder(@ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll @DoubleRange(min = 0.3, max = 0.9) double train, @ForAll @DoubleRange(min = 0, max = 0.1) double validation) {
        double[] series = IntStream.range(0, n).asDoubleStream().toArray();
        if (Math.round(n * train) == 0) {
            assertThrows(IllegalArgumentException.class, () -> SeriesSplit.chronological(series, train, validation));
            return;
        }
        SeriesSplit s = SeriesSplit.chronological(series, train, validation);
        assertEquals(n, s.train().length + s.validation().length + s.test().length);
        assertEquals(s.train().length, s.validationStart());
        assertEquals(s.validationStart() + s.validation().length, s.testStart());
        for (int i = 0; i < s.test().length; i++) {
            assertEquals(s.testStart() + i, s.test()[i]);
        }
    }

    @Property
    void scalersInvertAndUseOnlyTheTrainingPart(@ForAll @Size(min = 1, max = 50) List<@DoubleRange(min = -1e4, max = 1e4) Double> values) {
        double[] train = values.stream().mapToDouble(Double::doubleValue).toArray();
        for (Scaler.Kind kind : Scaler.Kind.values()) {
            Scaler s = Scaler.fit(kind, train);
            for (double v : train) {
                assertEquals(v, s.invert(s.apply(v)), 1e-9 * (1 + Math.abs(v)));
                if (kind == Scaler.Kind.MINMAX) {
                    assertTrue(s.apply(v) >= -1e-12 && s.apply(v) <= 1 + 1e-12);
                }
            }
            assertEquals(s, Scaler.parse(s.encode()));
        }
    }

    @Test
    void scalerExamples() {
        double[] train = {2, 4, 4, 4, 5, 5, 7, 9};
        Scaler std = Scaler.fitStandard(train);
        assertEquals(5, std.shift());
        assertEquals(2, std.scale());
        Scaler mm = Scaler.fitMinMax(train);
        assertEquals("minmax 2.0 7.0", mm.encode());
        assertEquals(1.0, mm.apply(9));
        assertEquals(2.0, mm.apply(16), "values after the training part may leave [0, 1]");
        assertEquals(0.0, Scaler.fitMinMax(new double[] {3, 3}).apply(3), "a constant series maps to 0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scaler.parse("log 1 2"));
        assertEquals("not a scaler: \"log 1 2\", expected \"minmax|standard <shift> <scale>\"", e.getMessage());
    }

    @Property
    void windowsPairEachInputWithTheValuesAfterIt(@ForAll @IntRange(min = 1, max = 60) int n,
            @ForAll @IntRange(min = 1, max = 10) int window, @ForAll @IntRange(min = 1, max = 5) int horizon) {
        float[] series = new float[n];
        for (int i = 0; i < n; i++) {
            series[i] = i;
        }
        if (n < window + horizon) {
            assertThrows(IllegalArgumentException.class, () -> new SeriesWindows(series, window, horizon));
            return;
        }
        SeriesWindows w = new SeriesWindows(series, window, horizon);
        assertEquals(n - window - horizon + 1, w.size());
        int[] samples = {0, w.size() - 1};
        float[] inputs = new float[window * 2];
        float[] targets = new float[horizon * 2];
        w.fill(samples, inputs, targets);
        for (int j = 0; j < 2; j++) {
            int s = samples[j];
            for (int t = 0; t < window; t++) {
                assertEquals(s + t, inputs[t * 2 + j]);
                assertEquals(s + t, w.input(s)[t]);
            }
            for (int h = 0; h < horizon; h++) {
                assertEquals(s + window + h, targets[j * horizon + h]);
                assertEquals(s + window + h, w.target(s)[h]);
            }
        }
    }

    @Test
    void validationWindowsTakeContextFromTheTrainingTail() {
        float[] series = new float[100];
        for (int i = 0; i < 100; i++) {
            series[i] = i;
        }
        SeriesWindows val = new SeriesWindows(series, 12, 1, 80, 90);
        assertEquals(10, val.size());
        assertEquals(80, val.targetStart(0));
        assertEquals(68, val.input(0)[0]);
        assertEquals(89, val.target(9)[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SeriesWindows(new float[10], 12, 1));
        assertEquals("targets [12, 10) do not fit a series of 10 values with a window of 12", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SeriesWindows(new float[14], 12, 3));
        assertEquals("a series of 14 values (targets in [12, 14)) is too short for a window of 12 and a horizon of 3",
                e.getMessage());
    }
}
