package dev.lanegrad.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see the old contents or the new ones, never a part: the body goes to
 * a temporary file in the same folder, is forced to disk, and is renamed over the target. If anything
 * fails, the temporary file is removed and the target is left as it was. Every file lanegrad saves
 * (checkpoints, configurations, metrics, plots, benchmark results) goes through here.
 *
 * <p>A process killed in the middle of a write (kill -9, power loss) cannot remove its temporary file, so
 * temporary files carry a recognisable name with the writer's process id,
 * {@code .<target>.lanegrad-<pid>-<random>.tmp}, and each write removes the ones in its folder whose
 * process no longer runs. Temporary files of live processes (including this one's other threads) are
 * left alone.
 */
public final class AtomicFile {

    /** Writes the new contents into the temporary file's channel. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    static final String TEMP_MARK = ".lanegrad-";
    static final String TEMP_SUFFIX = ".tmp";
    private static final long SELF = ProcessHandle.current().pid();

    private AtomicFile() {
    }

    /** Whether {@code name} is one of our temporary files, and the id of the process that made it (else -1). */
    static long writerOf(String name) {
        int mark = name.lastIndexOf(TEMP_MARK);
        if (!name.startsWith(".") || mark < 0 || !name.endsWith(TEMP_SUFFIX)) {
            return -1;
        }
        String rest = name.substring(mark + TEMP_MARK.length(), name.length() - TEMP_SUFFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0) {
            return -1;
        }
        try {
            return Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Deletes the temporary files in dir left by processes that are gone; never fails the write. */
    static void removeStaleTemporaryFiles(Path dir) {
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*" + TEMP_MARK + "*" + TEMP_SUFFIX)) {
            for (Path f : files) {
                long pid = writerOf(f.getFileName().toString());
                if (pid > 0 && pid != SELF && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // a folder we cannot list or a file we cannot delete: the write itself can still succeed
        }
    }

    public static void write(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: it makes the file owner-only (0600) on POSIX, and the rename would
        // carry that over. CREATE_NEW gives the usual permissions of a new file.
        removeStaleTemporaryFiles(dir);
        Path tmp = dir.resolve("." + target.getFileName() + TEMP_MARK + SELF + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    public static void writeString(Path file, String text) throws IOException {
        write(file, channel -> writeFully(channel, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Makes the rename itself durable where the platform allows it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Windows cannot open a directory as a channel; the rename itself has happened.
        }
    }
}
