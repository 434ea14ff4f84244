package dev.lanegrad.tasks.forecast;

import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForecastTrainingTest {

    /** 10 + 3 sin(2 pi t / 24) + N(0, 0.2): a smooth cycle the naive forecast lags behind. */
    static double[] sineWithNoise(int n, long seed) {
        Random r = new Random(seed);
        double[] s = new double[n];
        for (int t = 0; t < n; t++) {
            s[t] = 10 + 3 * Math.sin(2 * Math.PI * t / 24) + 0.2 * r.nextGaussian();
        }
        return s;
    }

    static ForecastConfig small() {
        return ForecastConfig.builder().cell(RnnMode.GRU).window(24).hidden(16).layers(1).epochs(12).lr(1e-2f)
                .batch(16).seed(7).season(24).build();
    }

    @Test
    void aSmallRunOnASineWithNoiseBeatsTheNaiveForecast() {
        ForecastResult r = ForecastTraining.train(sineWithNoise(480, 1), small(), TrainingListener.NONE);
        assertTrue(r.beatsNaive(), "model " + r.model() + " vs naive " + r.naive());
        assertTrue(r.model().rmse() < 0.7 * r.naive().rmse(), "model " + r.model() + " vs naive " + r.naive());
        assertNotNull(r.seasonalNaive());
        assertEquals(r.testIndices().length, r.model().count());
        assertEquals(r.testStart(), r.testIndices()[0]);
        assertTrue(r.bestEpoch() >= 1 && r.bestEpoch() <= 12);
        assertEquals(12, r.history().size());
    }

    @Test
    void theScalerIsFittedOnTheTrainingPartOnly() {
        double[] series = sineWithNoise(300, 2);
        ForecastConfig cfg = small().toBuilder().epochs(1).build();
        ForecastResult a = ForecastTraining.train(series, cfg, TrainingListener.NONE);
        double[] changed = series.clone();
        for (int i = a.validationStart(); i < changed.length; i++) {
            changed[i] = changed[i] * 100 + 1000; // validation and test values far outside the training range
        }
        ForecastResult b = ForecastTraining.train(changed, cfg, TrainingListener.NONE);
        assertEquals(a.forecaster().scaler(), b.forecaster().scaler());
        assertEquals(Scaler.fitMinMax(Arrays.copyOf(series, a.trainSize())), a.forecaster().scaler());
        assertEquals(210, a.trainSize()); // 70% of 300
    }

    @Test
    void aReloadedCheckpointGivesIdenticalForecasts(@TempDir Path dir) throws IOException {
        double[] series = sineWithNoise(300, 3);
        ForecastResult r = ForecastTraining.train(series, small().toBuilder().epochs(2).cell(RnnMode.LSTM).layers(2).build(),
                TrainingListener.NONE);
        r.forecaster().save(dir);
        Forecaster loaded = Forecaster.load(dir);
        assertEquals(r.forecaster().config(), loaded.config());
        assertEquals(r.forecaster().scaler(), loaded.scaler());
        assertArrayEquals(r.forecaster().predictAt(series, r.testIndices()), loaded.predictAt(series, r.testIndices()), 0.0);
        assertArrayEquals(r.testPredicted(), loaded.predictAt(series, r.testIndices()), 0.0);
        double[] next = loaded.predict(series);
        assertEquals(1, next.length);
        assertTrue(Double.isFinite(next[0]));
    }

    @Test
    void aMissingOrDamagedCheckpointFileIsNamed(@TempDir Path dir) throws IOException {
        ForecastResult r = ForecastTraining.train(sineWithNoise(300, 4), small().toBuilder().epochs(1).build(),
                TrainingListener.NONE);
        r.forecaster().save(dir);
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Forecaster.load(dir));
        assertTrue(e.getMessage().contains("model.safetensors is damaged"), e.getMessage());
        Files.delete(weights);
        e = assertThrows(IllegalArgumentException.class, () -> Forecaster.load(dir));
        assertTrue(e.getMessage().contains("model.safetensors is missing"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"task\": \"forecast\", ");
        e = assertThrows(IllegalArgumentException.class, () -> Forecaster.load(dir));
        assertTrue(e.getMessage().contains("config.json is damaged"), e.getMessage());
    }

    @Test
    void seriesThatDoNotFitTheConfigurationAreRefusedWithWhatIsExpected() {
        double[] series = sineWithNoise(100, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForecastTraining.split(series, small().toBuilder().window(100).build()));
        assertTrue(e.getMessage().contains("window 100 is longer than the series of 100 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForecastTraining.split(series, small().toBuilder().window(70).build()));
        assertTrue(e.getMessage().contains("do not fit the training part of 70 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForecastTraining.split(series, small().toBuilder().window(5)
                .horizon(16).build()));
        assertTrue(e.getMessage().contains("horizon 16 is longer than the validation part (15 values)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForecastTraining.split(new double[0], small()));
        assertTrue(e.getMessage().contains("the series is empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> small().toBuilder().horizon(0).build());
        assertEquals("horizon 0 must be at least 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> small().toBuilder().hidden(-3).build());
        assertEquals("hidden -3 must be at least 1", e.getMessage());
    }

    @Test
    void noSeasonNoSeasonalNaive() {
        ForecastResult r = ForecastTraining.train(sineWithNoise(200, 6), small().toBuilder().epochs(1).season(0).build(),
                TrainingListener.NONE);
        assertNull(r.seasonalNaive());
    }
}
