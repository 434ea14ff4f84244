package dev.lanegrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed while writing (kill -9) leaves its temporary file behind; the next write to that folder
 * removes it. Temporary files of live processes and files that are not ours are left alone.
 */
class AtomicFileLeftoversTest {

    @Test
    void staleTemporaryFilesOfDeadProcessesAreRemovedOnTheNextWrite(@TempDir Path dir) throws Exception {
        long dead = 2_000_000_000L;  // above any pid_max: no such process
        long self = ProcessHandle.current().pid();
        Path stale = Files.writeString(dir.resolve(".model.safetensors" + AtomicFile.TEMP_MARK + dead + "-1a2b.tmp"), "half");
        Path live = Files.writeString(dir.resolve(".config.json" + AtomicFile.TEMP_MARK + self + "-3c4d.tmp"), "being written");
        Path init = Files.writeString(dir.resolve(".x" + AtomicFile.TEMP_MARK + "1-5e.tmp"), "pid 1 is alive");
        Path notOurs = Files.writeString(dir.resolve(".editor-swap.tmp"), "someone else's");
        assertEquals(dead, AtomicFile.writerOf(stale.getFileName().toString()));
        assertEquals(-1, AtomicFile.writerOf(notOurs.getFileName().toString()));

        AtomicFile.writeString(dir.resolve("metrics.jsonl"), "{}\n");

        assertFalse(Files.exists(stale), "a dead process's temporary file stayed");
        assertTrue(Files.exists(live) && Files.exists(init) && Files.exists(notOurs));
        assertEquals("{}\n", Files.readString(dir.resolve("metrics.jsonl")));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> AtomicFile.writerOf(f.getFileName().toString()) == self
                    && !f.equals(live)), "the write left its own temporary file");
        }
    }
}
