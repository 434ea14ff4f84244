package dev.lanegrad.spark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** What one epoch of a data-parallel training did: its number (from 1), its steps and mean training loss. */
public record Epoch(int epoch, int steps, double meanLoss) {

    /** How a trained model saves itself into a checkpoint folder. */
    @FunctionalInterface
    interface Saver {
        void save(Path folder) throws IOException;
    }

    /** Keeps the epoch, saves the checkpoint into folder (when not null), then tells the listener (when not null). */
    void finish(List<Epoch> done, Path folder, Saver saver, Consumer<Epoch> listener) {
        done.add(this);
        if (folder != null) {
            try {
                saver.save(folder);
            } catch (IOException e) {
                throw new UncheckedIOException("saving the checkpoint to " + folder + ": " + e.getMessage(), e);
            }
        }
        if (listener != null) {
            listener.accept(this);
        }
    }
}
