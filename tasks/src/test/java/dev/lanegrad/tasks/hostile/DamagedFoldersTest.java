package dev.lanegrad.tasks.hostile;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.tasks.forecast.ForecastConfig;
import dev.lanegrad.tasks.forecast.ForecastModel;
import dev.lanegrad.tasks.forecast.Forecaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated damaged checkpoint folders (char-LM safetensors with metadata, forecast config.json and
 * weights): every load either succeeds or throws IllegalArgumentException / IOException with a message,
 * never another exception or an Error (OutOfMemoryError, StackOverflowError).
 */
class DamagedFoldersTest {

    @TempDir
    Path tmp;

    interface Load {
        void run() throws IOException;
    }

    static void onlyTypedFailures(String what, Load load) {
        try {
            load.run();
        } catch (IllegalArgumentException | IOException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                fail(what + ": " + expected.getClass().getSimpleName() + " without a message");
            }
        } catch (RuntimeException | Error e) {
            fail(what + ": " + e, e);
        }
    }

    static byte[] damage(byte[] b, SplittableRandom r) {
        byte[] m = b.clone();
        switch (r.nextInt(3)) {
            case 0 -> m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
            case 1 -> {
                int at = r.nextInt(m.length);
                for (int k = at; k < m.length; k++) {
                    if (m[k] >= '0' && m[k] <= '9') {
                        m[k] = (byte) ('0' + r.nextInt(10));
                        break;
                    }
                }
            }
            default -> m = java.util.Arrays.copyOf(m, r.nextInt(m.length));
        }
        return m;
    }

    @Test
    void damagedCharLmCheckpoints() throws Exception {
        CharVocabulary vocab = CharVocabulary.of("abcdef\n ");
        Path dir = tmp.resolve("lm");
        CharLmCheckpoint.save(dir, new CharLanguageModel(new CharLanguageModel.Config(RnnMode.GRU, vocab.size(), 3, 5, 2,
                0f), 1), vocab, null, 3, 2.0);
        Path weights = dir.resolve(CharLmCheckpoint.WEIGHTS);
        byte[] good = Files.readAllBytes(weights);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 600; i++) {
            Files.write(weights, damage(good, r));
            onlyTypedFailures("char-LM mutant " + i, () -> CharLmCheckpoint.load(dir));
        }
    }

    @Test
    void damagedForecastFolders() throws Exception {
        ForecastConfig cfg = ForecastConfig.builder().hidden(4).layers(2).window(3).build();
        Path dir = tmp.resolve("fc");
        new Forecaster(new ForecastModel(cfg.cell(), 4, 2, 0f, 1, 1), cfg, Scaler.fitMinMax(new double[] {0, 1})).save(dir);
        byte[] config = Files.readAllBytes(dir.resolve("config.json"));
        byte[] weights = Files.readAllBytes(dir.resolve("model.safetensors"));
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 600; i++) {
            boolean damageConfig = r.nextBoolean();
            Files.write(dir.resolve("config.json"), damageConfig ? damage(config, r) : config);
            Files.write(dir.resolve("model.safetensors"), damageConfig ? weights : damage(weights, r));
            onlyTypedFailures("forecast mutant " + i, () -> Forecaster.load(dir));
        }
        Files.write(dir.resolve("config.json"), ("{\"task\":\"forecast\",\"x\":" + "[".repeat(100_000)).getBytes());
        onlyTypedFailures("deeply nested config.json", () -> Forecaster.load(dir));
    }
}
