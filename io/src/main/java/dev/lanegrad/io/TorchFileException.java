package dev.lanegrad.io;

import java.io.IOException;

/**
 * A file that is not a readable {@code torch.save} state_dict: not a zip archive, a missing or damaged
 * record, a pickle that needs anything a state_dict does not (another global, opcode or object, refused
 * and never run), or sizes that do not fit the archive. The message names the file and what was wrong.
 */
public class TorchFileException extends IOException {

    public TorchFileException(String message) {
        super(message);
    }

    public TorchFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
