package dev.lanegrad.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a checkpoint in either format lanegrad knows, chosen by the file's first bytes and never by its
 * name: a zip archive is PyTorch's {@code torch.save} file ({@link TorchFile}), anything else is read as
 * safetensors ({@link SafeTensors}), whose errors say when a file is neither.
 */
public final class CheckpointFiles {

    private CheckpointFiles() {
    }

    /** The tensors (as float32) and metadata of a safetensors or torch.save file. */
    public static Checkpoint read(Path file) throws IOException {
        return TorchFile.looksLikeTorchFile(file) ? TorchFile.read(file) : SafeTensors.read(file);
    }
}
