package dev.lanegrad.tasks.charlm;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.Json;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.AdamW;
import dev.lanegrad.models.optim.Optimizer;
import dev.lanegrad.models.optim.RmsProp;
import dev.lanegrad.models.optim.Sgd;
import dev.lanegrad.models.optim.LrSchedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a char-LM training run needs besides the text: the architecture, the optimisation and
 * the limits. {@link #defaults()} is the measured default of {@code lanegrad train} (see the README:
 * the configuration that reached the lowest held-out loss in 4.5 minutes on 2 cores); change fields
 * with {@link #toBuilder()}:
 * <pre>{@code
 * TrainingConfig cfg = TrainingConfig.defaults().toBuilder().hidden(128).layers(1).steps(500).seconds(0).build();
 * }</pre>
 * The constructor checks every field and names the option that is wrong ({@code --seq-len 0: expected a
 * whole number >= 1}).
 *
 * @param cell       lstm, gru or rnn
 * @param embed      embedding size
 * @param hidden     hidden size of each recurrent layer
 * @param layers     recurrent layers
 * @param dropout    dropout between recurrent layers and before the decoder, in [0, 1)
 * @param seqLen     characters per training window (truncated BPTT length)
 * @param batch      windows per step
 * @param lr         peak learning rate
 * @param minLr      final learning rate of the cosine schedule (the rate stays at lr when schedule is constant)
 * @param warmupSteps linear warm-up steps
 * @param schedule   "cosine" (decay from lr to minLr over the run: the run's progress is the larger of
 *                   step / steps and elapsed / seconds) or "constant"
 * @param optimizer  adam, adamw, sgd or rmsprop
 * @param weightDecay weight decay (AdamW: decoupled; others: L2)
 * @param clip       maximum global gradient norm; 0 for no clipping
 * @param steps      stop after this many optimizer steps; 0 for no step limit
 * @param seconds    stop when this much training time has passed; 0 for no time limit
 * @param valFrac    the last valFrac of the text is held out for validation, in (0, 1)
 * @param valEvery   validate every valEvery steps on valTokens characters in 16 pieces spread over the held-out text
 * @param valTokens  size of that fixed validation subset; the full held-out text is evaluated at the end
 * @param batching   "sequential" (contiguous streams, state carried from batch to batch: truncated
 *                   BPTT) or "random" (independent windows at random offsets, zero state)
 * @param seed       seeds the initialisation, the batches, dropout
 * @param patience   stop after this many validations without a lower loss; 0 = never
 * @param saveEvery  also write a resumable checkpoint folder {@code step-<N>} every saveEvery steps; 0 = never
 */
public record TrainingConfig(String cell, int embed, int hidden, int layers, float dropout,
                             int seqLen, int batch, float lr, float minLr, int warmupSteps, String schedule,
                             String optimizer, float weightDecay, float clip,
                             long steps, double seconds,
                             double valFrac, int valEvery, int valTokens,
                             String batching, long seed, int patience, long saveEvery) {

    public TrainingConfig {
        if (cell == null || !cell.matches("(?i)lstm|gru|rnn")) {
            throw new IllegalArgumentException("--cell " + cell + ": expected lstm, gru or rnn");
        }
        positive("--embed", embed);
        positive("--hidden", hidden);
        positive("--layers", layers);
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("--dropout " + dropout + ": expected a probability in [0, 1)");
        }
        positive("--seq-len", seqLen);
        positive("--batch", batch);
        if (!(lr > 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr " + lr + ": expected a learning rate > 0");
        }
        if (!(minLr >= 0f) || minLr > lr) {
            throw new IllegalArgumentException("--min-lr " + minLr + ": expected in [0, lr = " + lr + "]");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("--warmup " + warmupSteps + ": expected a whole number >= 0");
        }
        if (!"cosine".equals(schedule) && !"constant".equals(schedule)) {
            throw new IllegalArgumentException("--schedule " + schedule + ": expected cosine or constant");
        }
        switch (optimizer) {
            case "adam", "adamw", "sgd", "rmsprop" -> { }
            default -> throw new IllegalArgumentException("--optimizer " + optimizer + ": expected adam, adamw, sgd or rmsprop");
        }
        if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("--weight-decay " + weightDecay + ": expected >= 0");
        }
        if (!(clip >= 0f) || Float.isInfinite(clip)) {
            throw new IllegalArgumentException("--clip " + clip + ": expected a maximum gradient norm > 0, or 0 for none");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("--steps " + steps + ": expected a whole number >= 1 (or 0 for no step limit)");
        }
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("--minutes " + seconds / 60 + ": expected a time > 0 (or 0 for no time limit)");
        }
        if (steps == 0 && seconds == 0) {
            throw new IllegalArgumentException("--steps 0 and --minutes 0: the run would never end; give a step limit or a time");
        }
        if (!(valFrac > 0 && valFrac < 1)) {
            throw new IllegalArgumentException("--val-frac " + valFrac + ": expected a fraction strictly between 0 and 1");
        }
        positive("--val-every", valEvery);
        positive("--val-tokens", valTokens);
        if (!"sequential".equals(batching) && !"random".equals(batching)) {
            throw new IllegalArgumentException("--batching " + batching + ": expected sequential or random");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("--patience " + patience + ": expected a whole number >= 1 (or 0 for never)");
        }
        if (saveEvery < 0) {
            throw new IllegalArgumentException("--save-every " + saveEvery + ": expected a whole number >= 1 (or 0 for never)");
        }
    }

    private static void positive(String option, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(option + " " + v + ": expected a whole number >= 1");
        }
    }

    /**
     * The default of {@code lanegrad train}: chosen by measuring the held-out loss reached in a 4.5-minute
     * budget on a 2-core machine (docs/charlm.md has the tables): 2 x 256 with batch 16 beat batches 32, 64
     * and 128 (more updates in the same time) and 2 x 384 (half the speed); dropout 0.1 helps once the text is
     * seen 4+ times. A GRU at learning rate 3e-3, not char-rnn's LSTM at 2e-3: it makes ~1.24x the steps in the
     * same time (three gates' products instead of four), and at the same step counts it ended 0.03 lower at
     * 3,000 steps and 0.01-0.02 lower at 5,900; at 10,500 steps it was level with the LSTM's 8,500, the steps
     * each makes in the same time (AMD EPYC family 25 model 17, JDK 17.0.15, fixed-step runs; docs/charlm.md,
     * "A GRU instead of the LSTM").
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig("gru", 64, 256, 2, 0.1f,
                64, 16, 3e-3f, 1e-4f, 50, "cosine",
                "adam", 0f, 5f,
                0, 270,
                0.05, 400, 16_384,
                "sequential", 1234L, 0, 0);
    }

    public CharLanguageModel.Config modelConfig(int vocabSize) {
        return new CharLanguageModel.Config(CharLanguageModel.parseCell(cell), vocabSize, embed, hidden, layers, dropout);
    }

    /**
     * The learning rate of this configuration: warm-up, then cosine from lr to minLr over the run (its
     * progress is the larger of step / steps and elapsed / seconds: a {@code --minutes} run reaches minLr when
     * its time is up) or constant. A resumed run sees it through {@link LrSchedule#from}.
     */
    public LrSchedule learningRates() {
        LrSchedule base = "constant".equals(schedule) ? LrSchedule.constant(lr) : LrSchedule.cosine(lr, steps, seconds, minLr);
        return base.withWarmup(warmupSteps);
    }

    /** The optimizer of this configuration over {@code params}. */
    public Optimizer newOptimizer(List<Tensor> params) {
        TrainingConfig c = this;
        return switch (c.optimizer()) {
            case "adam" -> new Adam(params, c.lr(), 0.9f, 0.999f, 1e-8f, c.weightDecay());
            case "adamw" -> new AdamW(params, c.lr(), 0.9f, 0.999f, 1e-8f, c.weightDecay());
            case "sgd" -> new Sgd(params, c.lr(), 0.9f, 0f, c.weightDecay(), false);
            // alpha 0.95 as char-rnn's rmsprop
            case "rmsprop" -> new RmsProp(params, c.lr(), 0.95f, 1e-8f, c.weightDecay(), 0f, false);
            default -> throw new IllegalArgumentException("--optimizer " + c.optimizer() + ": expected adam, adamw, sgd or rmsprop");
        };
    }

    /** As a JSON object (stored in checkpoints). */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        toMap().forEach((k, v) -> {
            if (sb.length() > 1) sb.append(", ");
            sb.append(Json.quote(k)).append(": ").append(v instanceof String s ? Json.quote(s) : v.toString());
        });
        return sb.append('}').toString();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cell", cell);
        m.put("embed", embed);
        m.put("hidden", hidden);
        m.put("layers", layers);
        m.put("dropout", dropout);
        m.put("seq_len", seqLen);
        m.put("batch", batch);
        m.put("lr", lr);
        m.put("min_lr", minLr);
        m.put("warmup_steps", warmupSteps);
        m.put("schedule", schedule);
        m.put("optimizer", optimizer);
        m.put("weight_decay", weightDecay);
        m.put("clip", clip);
        m.put("steps", steps);
        m.put("seconds", seconds);
        m.put("val_frac", valFrac);
        m.put("val_every", valEvery);
        m.put("val_tokens", valTokens);
        m.put("batching", batching);
        m.put("seed", seed);
        m.put("patience", patience);
        m.put("save_every", saveEvery);
        return m;
    }

    /** Reads what {@link #toJson()} wrote; missing keys take the default's value. */
    public static TrainingConfig fromJson(String json) {
        Map<String, Object> m = Json.parseObject(json);
        Builder b = defaults().toBuilder();
        b.cell(str(m, "cell", b.cell)).embed(num(m, "embed", b.embed)).hidden(num(m, "hidden", b.hidden))
                .layers(num(m, "layers", b.layers)).dropout((float) dbl(m, "dropout", b.dropout))
                .seqLen(num(m, "seq_len", b.seqLen)).batch(num(m, "batch", b.batch)).lr((float) dbl(m, "lr", b.lr))
                .minLr((float) dbl(m, "min_lr", b.minLr)).warmupSteps(num(m, "warmup_steps", b.warmupSteps))
                .schedule(str(m, "schedule", b.schedule)).optimizer(str(m, "optimizer", b.optimizer))
                .weightDecay((float) dbl(m, "weight_decay", b.weightDecay)).clip((float) dbl(m, "clip", b.clip))
                .steps((long) dbl(m, "steps", b.steps)).seconds(dbl(m, "seconds", b.seconds))
                .valFrac(dbl(m, "val_frac", b.valFrac)).valEvery(num(m, "val_every", b.valEvery))
                .valTokens(num(m, "val_tokens", b.valTokens)).batching(str(m, "batching", b.batching))
                .seed((long) dbl(m, "seed", b.seed)).patience(num(m, "patience", b.patience))
                .saveEvery((long) dbl(m, "save_every", b.saveEvery));
        return b.build();
    }

    private static String str(Map<String, Object> m, String k, String def) {
        Object v = m.get(k);
        return v == null ? def : v.toString();
    }

    private static int num(Map<String, Object> m, String k, int def) {
        return (int) dbl(m, k, def);
    }

    private static double dbl(Map<String, Object> m, String k, double def) {
        Object v = m.get(k);
        return v instanceof Number n ? n.doubleValue() : def;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %d x %d (embed %d, dropout %.2f), seq-len %d, batch %d, %s lr %.2g -> %.2g %s "
                        + "(warm-up %d), clip %.1f, %s batches, %s%s",
                cell, layers, hidden, embed, dropout, seqLen, batch, optimizer, lr, minLr, schedule, warmupSteps, clip,
                batching, steps > 0 ? steps + " steps" : "",
                seconds > 0 ? (steps > 0 ? " or " : "") + String.format(Locale.ROOT, "%.1f min", seconds / 60) : "")
                + (patience > 0 ? ", patience " + patience + " validations" : "")
                + (saveEvery > 0 ? ", a checkpoint every " + saveEvery + " steps" : "");
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable copy of a configuration; {@link #build()} checks it. */
    public static final class Builder {
        String cell;
        int embed;
        int hidden;
        int layers;
        float dropout;
        int seqLen;
        int batch;
        float lr;
        float minLr;
        int warmupSteps;
        String schedule;
        String optimizer;
        float weightDecay;
        float clip;
        long steps;
        double seconds;
        double valFrac;
        int valEvery;
        int valTokens;
        String batching;
        long seed;
        int patience;
        long saveEvery;

        Builder(TrainingConfig c) {
            cell = c.cell; embed = c.embed; hidden = c.hidden; layers = c.layers; dropout = c.dropout;
            seqLen = c.seqLen; batch = c.batch; lr = c.lr; minLr = c.minLr; warmupSteps = c.warmupSteps;
            schedule = c.schedule; optimizer = c.optimizer; weightDecay = c.weightDecay; clip = c.clip;
            steps = c.steps; seconds = c.seconds; valFrac = c.valFrac; valEvery = c.valEvery; valTokens = c.valTokens;
            batching = c.batching; seed = c.seed; patience = c.patience; saveEvery = c.saveEvery;
        }

        public Builder cell(String v) { cell = v; return this; }
        public Builder embed(int v) { embed = v; return this; }
        public Builder hidden(int v) { hidden = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder dropout(float v) { dropout = v; return this; }
        public Builder seqLen(int v) { seqLen = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        /** Sets the learning rate; the cosine schedule's floor stays at most lr. */
        public Builder lr(float v) { lr = v; if (minLr > v) minLr = v; return this; }
        public Builder minLr(float v) { minLr = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder schedule(String v) { schedule = v; return this; }
        public Builder optimizer(String v) { optimizer = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder clip(float v) { clip = v; return this; }
        public Builder steps(long v) { steps = v; return this; }
        public Builder seconds(double v) { seconds = v; return this; }
        public Builder minutes(double v) { seconds = v * 60; return this; }
        public Builder valFrac(double v) { valFrac = v; return this; }
        public Builder valEvery(int v) { valEvery = v; return this; }
        public Builder valTokens(int v) { valTokens = v; return this; }
        public Builder batching(String v) { batching = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder saveEvery(long v) { saveEvery = v; return this; }

        public TrainingConfig build() {
            return new TrainingConfig(cell, embed, hidden, layers, dropout, seqLen, batch, lr, minLr, warmupSteps, schedule,
                    optimizer, weightDecay, clip, steps, seconds, valFrac, valEvery, valTokens, batching, seed, patience, saveEvery);
        }
    }
}
