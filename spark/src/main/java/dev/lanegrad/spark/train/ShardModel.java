package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Module;

import java.io.Serializable;

/**
 * What one partition computes in a synchronous step, on an executor: the loss of its shard of the step's global
 * batch, on a model replica whose weights the driver broadcast. Implementations are small records: an executor
 * keeps its replicas under them ({@link Replicas}), and they travel with every task.
 *
 * @param <S> the partition's cached data (its {@link Shard}, its block of text ...)
 * @param <I> what the driver sends the partition for this step (a carried state, the step's examples), or
 *            {@link java.io.Serializable} with nulls when nothing is sent
 */
public interface ShardModel<S, I extends Serializable> extends Serializable {

    /** A new replica (its weights are overwritten from the broadcast before every use). */
    Module build();

    /** Shard {@code partition}'s part of global step {@code step} (from 0), recorded on the current tape. */
    Forward forward(Module replica, S shard, long step, I input);

    /** A shard's forward: its mean loss, and after the backward what goes back to the driver. */
    interface Forward {
        Tensor loss();

        /** Called after the backward: e.g. the final recurrent state to carry into the next step; null for nothing. */
        default float[] output() {
            return null;
        }
    }
}
