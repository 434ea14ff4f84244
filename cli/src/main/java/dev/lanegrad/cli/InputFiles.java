package dev.lanegrad.cli;

import dev.lanegrad.tasks.data.CsvTable;
import dev.lanegrad.tasks.data.LabelledText;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the data files of the task commands, turning I/O failures into one-line messages (exit 2). */
final class InputFiles {

    private InputFiles() {
    }

    static CsvTable csv(Path file) {
        return read(file, "--csv", "a CSV file with a header row", CsvTable::read);
    }

    static LabelledText tsv(Path file) {
        return read(file, "--tsv", "text<TAB>label lines", LabelledText::readTsv);
    }

    private interface Reader<T> {
        T read(Path file) throws IOException;
    }

    /** The file of an option, read; a missing file, a folder or a failed read is one line naming what was expected. */
    private static <T> T read(Path file, String option, String expected, Reader<T> reader) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(option + " " + file + ": no such file; expected " + expected);
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + " is a folder; expected a file of " + expected);
        }
        try {
            return reader.read(file);
        } catch (IOException e) {
            throw unreadable(file, e, expected);
        }
    }

    private static IllegalArgumentException unreadable(Path file, IOException e, String expected) {
        String why = e instanceof CharacterCodingException ? "it is not UTF-8 text"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file"
                : e.getMessage() != null ? e.getMessage() : e.toString();
        return new IllegalArgumentException("cannot read " + file + ": " + why + "; expected " + expected);
    }
}
