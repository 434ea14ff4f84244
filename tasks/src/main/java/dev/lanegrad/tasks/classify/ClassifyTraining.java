package dev.lanegrad.tasks.classify;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.data.Indices;
import dev.lanegrad.tasks.data.LabelledText;
import dev.lanegrad.tasks.data.TextBatch;
import dev.lanegrad.tasks.data.WordTokenizer;
import dev.lanegrad.tasks.data.WordVocabulary;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.tasks.TrainingListener;
import dev.lanegrad.tasks.TrainingLoop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a {@link ClassifierModel} on labelled texts: a seeded shuffle cut into train / validation /
 * test, the vocabulary built from the training texts only, batches of sentences of similar length (less
 * padding to run through), cross-entropy and Adam, the weights of the epoch with the best validation
 * accuracy kept; then the test accuracy, the majority-class baseline and the confusion matrix.
 */
public final class ClassifyTraining {

    /** Sentences of similar length are batched together from pools of this many batches. */
    private static final int POOL_BATCHES = 20;

    private ClassifyTraining() {
    }

    /** The sizes of the train, validation and test parts of n examples; each must be at least 1. */
    public static int[] splitSizes(int n, ClassifyConfig cfg) {
        int train = (int) Math.round(n * cfg.trainFraction());
        int validation = (int) Math.round(n * cfg.validationFraction());
        int test = n - train - validation;
        if (train < 1 || validation < 1 || test < 1) {
            throw new IllegalArgumentException(n + " examples are too few for a train/validation/test split of "
                    + pct(cfg.trainFraction()) + "/" + pct(cfg.validationFraction()) + "/"
                    + pct(1 - cfg.trainFraction() - cfg.validationFraction()) + "; expected at least one example in each part");
        }
        return new int[] {train, validation, test};
    }

    private static String pct(double f) {
        return Long.toString(Math.round(100 * f)) + "%";
    }

    /** Checks the data before anything is trained or written. */
    public static void check(LabelledText data, ClassifyConfig cfg) {
        if (data.size() == 0) {
            throw new IllegalArgumentException(data.source() + " holds no labelled lines; expected text<TAB>label lines");
        }
        if (data.labels().size() < 2) {
            throw new IllegalArgumentException(data.source() + " has only the label \"" + data.labels().get(0)
                    + "\"; expected at least two labels");
        }
        splitSizes(data.size(), cfg);
    }

    public static ClassifyResult train(LabelledText data, ClassifyConfig cfg, TrainingListener listener) {
        long t0 = System.nanoTime();
        check(data, cfg);
        int n = data.size();
        int[] sizes = splitSizes(n, cfg);
        int[] order = Indices.identity(n);
        SplittableRandom random = new SplittableRandom(cfg.seed());
        Indices.shuffle(order, random);
        int[] trainIdx = Arrays.copyOfRange(order, 0, sizes[0]);
        int[] validationIdx = Arrays.copyOfRange(order, sizes[0], sizes[0] + sizes[1]);
        int[] testIdx = Arrays.copyOfRange(order, sizes[0] + sizes[1], n);

        List<String> labels = data.labels();
        int[] classes = data.labelIndices();
        List<List<String>> tokens = new ArrayList<>(n);
        data.examples().forEach(e -> tokens.add(WordTokenizer.tokenize(e.text())));
        List<List<String>> trainTokens = new ArrayList<>();
        for (int i : trainIdx) {
            trainTokens.add(tokens.get(i));
        }
        WordVocabulary vocabulary = WordVocabulary.build(trainTokens, cfg.minFrequency(), 0);
        List<int[]> encoded = new ArrayList<>(n);
        for (List<String> t : tokens) {
            int[] ids = vocabulary.encode(t);
            encoded.add(ids.length > cfg.maxLength() ? Arrays.copyOf(ids, cfg.maxLength()) : ids);
        }

        ClassifierModel model = new ClassifierModel(cfg, vocabulary.size(), labels.size());
        TextClassifier classifier = new TextClassifier(model, cfg, vocabulary, labels);
        Adam adam = new Adam(model.parameters(), cfg.lr(), 0.9f, 0.999f, 1e-8f, cfg.weightDecay());

        int steps = (trainIdx.length + cfg.batch() - 1) / cfg.batch();
        List<int[]> validationSeqs = select(encoded, validationIdx);
        int[] validationClasses = select(classes, validationIdx);
        TrainingLoop.Task task = new TrainingLoop.Task() {
            List<int[]> batches;
            int step;
            int b;

            @Override
            public Tensor forward() {
                if (step == 0) {
                    batches = bucketedBatches(trainIdx, encoded, cfg.batch(), random);
                }
                int[] idx = batches.get(step);
                step = step + 1 == batches.size() ? 0 : step + 1;
                b = idx.length;
                TextBatch batch = WordVocabulary.pad(select(encoded, idx), cfg.maxLength());
                return Ops.crossEntropy(model.forward(batch), select(classes, idx));
            }

            @Override
            public long examples() {
                return b;
            }

            @Override
            public TrainingLoop.Score validate() {
                double[] eval = evaluate(model, validationSeqs, validationClasses, cfg);
                return new TrainingLoop.Score(eval[0], eval[1]);
            }
        };
        TrainingLoop.Recorded run = new TrainingLoop(model, adam, task).clip(cfg.clipNorm()).epochs(cfg.epochs(), steps)
                .keepBest(TrainingLoop.Better.HIGHER_SCORE, cfg.patience()).runInMemory(listener);
        model.eval();

        int[] testClasses = select(classes, testIdx);
        int[] predicted = classifier.predictClasses(select(encoded, testIdx));
        ConfusionMatrix confusion = ConfusionMatrix.of(labels, testClasses, predicted);
        int majority = majorityClass(select(classes, trainIdx), labels.size());
        return new ClassifyResult(classifier, run.bestEpoch(), run.history(), confusion.accuracy(), labels.get(majority),
                majorityAccuracy(testClasses, majority), confusion, trainIdx.length, validationIdx.length, testIdx.length,
                (System.nanoTime() - t0) / 1e9);
    }

    /** The most frequent class (the smallest index on ties). */
    public static int majorityClass(int[] classes, int count) {
        int[] n = new int[count];
        for (int c : classes) {
            n[c]++;
        }
        int best = 0;
        for (int c = 1; c < count; c++) {
            if (n[c] > n[best]) {
                best = c;
            }
        }
        return best;
    }

    /** The accuracy of answering {@code majority} for every example. */
    public static double majorityAccuracy(int[] classes, int majority) {
        int right = 0;
        for (int c : classes) {
            if (c == majority) {
                right++;
            }
        }
        return classes.length == 0 ? Double.NaN : (double) right / classes.length;
    }

    /** Mean cross-entropy and accuracy, in eval mode, without recording. */
    private static double[] evaluate(ClassifierModel model, List<int[]> seqs, int[] classes, ClassifyConfig cfg) {
        model.eval();
        double loss = 0;
        int right = 0;
        Integer[] order = new Integer[seqs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> seqs.get(i).length));
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            for (int from = 0; from < order.length; from += 128) {
                int to = Math.min(order.length, from + 128);
                List<int[]> batch = new ArrayList<>();
                int[] targets = new int[to - from];
                for (int i = from; i < to; i++) {
                    batch.add(seqs.get(order[i]));
                    targets[i - from] = classes[order[i]];
                }
                Tensor logits = model.forward(WordVocabulary.pad(batch, cfg.maxLength()));
                float[] logProbs = Ops.logSoftmax(logits).toArray();
                int c = logits.dim(1);
                for (int j = 0; j < targets.length; j++) {
                    loss -= logProbs[j * c + targets[j]];
                    int arg = 0;
                    for (int k = 1; k < c; k++) {
                        if (logProbs[j * c + k] > logProbs[j * c + arg]) {
                            arg = k;
                        }
                    }
                    if (arg == targets[j]) {
                        right++;
                    }
                }
                tape.reset();
            }
        }
        return new double[] {loss / seqs.size(), (double) right / seqs.size()};
    }

    /**
     * Shuffled batches of sentences of similar length: the shuffled training set is cut into pools of
     * {@value #POOL_BATCHES} batches, each pool is sorted by length and cut into batches, and the batch
     * order is shuffled (torchtext's BucketIterator). Fewer padded steps, same randomness of contents.
     */
    static List<int[]> bucketedBatches(int[] trainIdx, List<int[]> encoded, int batch, SplittableRandom random) {
        int[] order = trainIdx.clone();
        Indices.shuffle(order, random);
        List<int[]> batches = new ArrayList<>();
        int pool = batch * POOL_BATCHES;
        for (int from = 0; from < order.length; from += pool) {
            int to = Math.min(order.length, from + pool);
            Integer[] chunk = new Integer[to - from];
            for (int i = from; i < to; i++) {
                chunk[i - from] = order[i];
            }
            Arrays.sort(chunk, Comparator.comparingInt(i -> encoded.get(i).length));
            for (int b = 0; b < chunk.length; b += batch) {
                int e = Math.min(chunk.length, b + batch);
                int[] idx = new int[e - b];
                for (int i = b; i < e; i++) {
                    idx[i - b] = chunk[i];
                }
                batches.add(idx);
            }
        }
        Indices.shuffle(batches, random);
        return batches;
    }

    private static List<int[]> select(List<int[]> all, int[] idx) {
        List<int[]> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(all.get(i));
        }
        return out;
    }

    private static int[] select(int[] all, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = all[idx[i]];
        }
        return out;
    }
}
