package dev.lanegrad.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a user's text file (UTF-8) for a training or evaluation command, with one-line errors that say
 * what is wrong: no such file, a folder, unreadable, not UTF-8, empty.
 * <pre>{@code
 * String text = TextInput.read(path, "--text");   // IllegalArgumentException: "--text notes.txt: the file is empty ..."
 * }</pre>
 */
public final class TextInput {

    private TextInput() {
    }

    /** The whole file as a string; {@code option} names the option in messages. */
    public static String read(Path file, String option) {
        String where = option + " " + file;
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(where + ": is a folder; expected a text file (UTF-8)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + ": no such file; expected a text file (UTF-8)");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(where + ": cannot be read (permission denied)");
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot be read (" + e.getMessage() + ")");
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException(where + ": the file is empty; expected a text of at least a few thousand characters");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(where + ": is not UTF-8 text (" + e.getMessage() + "); expected a UTF-8 text file");
        }
    }
}
