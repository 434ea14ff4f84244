package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.classify.ClassifierModel;
import dev.lanegrad.tasks.classify.ClassifyConfig;
import dev.lanegrad.tasks.classify.Pooling;
import dev.lanegrad.tasks.data.WordVocabulary;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The text classifier's shard of a step: the b examples the driver sends the partition (word ids and classes),
 * padded as {@code lanegrad classify} pads a batch, through the classifier, cross-entropy against the classes.
 * The partition's cached data is only its index: the examples of a step travel with the step (b x length ids).
 */
public record ClassifierShardModel(RnnMode cell, int embedding, int hidden, int layers, boolean bidirectional, Pooling pooling,
                                   int maxLength, long seed, int vocabularySize, int labels)
        implements ShardModel<Integer, ClassifierShardModel.Examples> {

    /** A shard's examples: word ids (cut to maxLength when padded) and class indices. */
    public record Examples(int[][] words, int[] classes) implements Serializable {
    }

    /** The classifier's settings (dropout 0: one process's masks cannot be split over partitions). */
    public ClassifyConfig config(ClassifyConfig base) {
        return base.toBuilder().cell(cell).embedding(embedding).hidden(hidden).layers(layers).bidirectional(bidirectional)
                .pooling(pooling).maxLength(maxLength).seed(seed).dropout(0f).build();
    }

    @Override
    public ClassifierModel build() {
        return new ClassifierModel(config(ClassifyConfig.builder().build()), vocabularySize, labels);
    }

    @Override
    public Forward forward(Module replica, Integer partition, long step, Examples examples) {
        Tensor logits = ((ClassifierModel) replica).forward(WordVocabulary.pad(Arrays.asList(examples.words()), maxLength));
        Tensor loss = Ops.crossEntropy(logits, examples.classes());
        return () -> loss;
    }
}
