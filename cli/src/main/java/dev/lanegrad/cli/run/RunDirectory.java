package dev.lanegrad.cli.run;

import dev.lanegrad.io.AtomicFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The folder one training run writes into (`--out`), and atomic writes into it.
 *
 * <pre>{@code
 * RunDirectory run = RunDirectory.create(outOption);          // null -> runs/20261123-071502
 * run.writeString("config.json", json);                       // temp file + rename: never half-written
 * run.write("plot.png", os -> os.write(png));
 * SafeTensors.write(run.resolve("model.safetensors"), ...);   // SafeTensors is atomic by itself
 * }</pre>
 *
 * Every write goes to a temporary file in the same folder (`.name.tmp-...`), is flushed to disk, and
 * is then renamed over the target, so a reader (or a run killed by Ctrl-C) sees either the previous
 * complete file or the new complete file, never a mixture. A failed write deletes its temporary file
 * and leaves the previous file as it was.
 */
public final class RunDirectory {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** Writes the content of one file; may throw IOException. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path path;

    private RunDirectory(Path path) {
        this.path = path;
    }

    /**
     * The run folder: {@code out} when given (created when missing; an existing folder is reused, its
     * files are replaced one by one as the run writes them), otherwise a new {@code runs/<timestamp>}
     * below the working directory (with a -2, -3... suffix when two runs start in the same second).
     *
     * @throws IllegalArgumentException when {@code out} exists and is not a folder, or cannot be created
     */
    public static RunDirectory create(Path out) {
        return create(out, Path.of("runs"));
    }

    /** As {@link #create(Path)}, with the parent of the default timestamped folder given. */
    public static RunDirectory create(Path out, Path defaultParent) {
        try {
            if (out != null) {
                if (Files.exists(out) && !Files.isDirectory(out)) {
                    throw new IllegalArgumentException("--out " + out + ": exists and is not a folder");
                }
                Files.createDirectories(out);
                return new RunDirectory(out);
            }
            Files.createDirectories(defaultParent);
            String stamp = LocalDateTime.now().format(STAMP);
            for (int i = 1; ; i++) {
                Path candidate = defaultParent.resolve(i == 1 ? stamp : stamp + "-" + i);
                try {
                    Files.createDirectory(candidate);
                    return new RunDirectory(candidate);
                } catch (FileAlreadyExistsException taken) {
                    // another run started in the same second: try the next suffix
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create the run folder "
                    + (out != null ? out : defaultParent) + ": " + e.getMessage(), e);
        }
    }

    /** An existing run folder (e.g. for --resume); throws IllegalArgumentException when it is not a folder. */
    public static RunDirectory existing(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": no such folder (expected a run folder written by lanegrad train)");
        }
        return new RunDirectory(dir);
    }

    public Path path() {
        return path;
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    /** Writes {@code text} as UTF-8 to {@code name} in this folder, atomically. */
    public Path writeString(String name, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return write(name, out -> out.write(bytes));
    }

    /** Writes {@code name} in this folder atomically (temp file, flush to disk, rename). */
    public Path write(String name, Writer writer) throws IOException {
        Path target = path.resolve(name);
        writeAtomically(target, writer);
        return target;
    }

    /**
     * Writes any file atomically: a temporary file next to {@code target}, forced to disk, then renamed
     * over it (an atomic move where the file system has one, a plain replacing move otherwise).
     */
    public static void writeAtomically(Path target, Writer writer) throws IOException {
        AtomicFile.write(target, channel -> writer.writeTo(Channels.newOutputStream(channel)));
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
