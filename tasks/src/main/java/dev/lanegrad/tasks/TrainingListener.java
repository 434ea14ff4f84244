package dev.lanegrad.tasks;

/**
 * What a task's training loop reports, so that a caller can draw progress without the loop printing
 * anything. Called on the training thread; every method does nothing by default.
 */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    /** Before the first step: the number of epochs and of optimizer steps per epoch. */
    default void started(int epochs, int stepsPerEpoch) {
    }

    /** After each optimizer step (1-based within the epoch) with the batch's loss and number of examples. */
    default void step(int epoch, int step, double loss, int examples) {
    }

    /** After each epoch's validation. */
    default void epoch(EpochResult result) {
    }
}
