package dev.lanegrad.tasks.parity;

import dev.lanegrad.io.Json;
import dev.lanegrad.io.ParityCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs golden cases in the format of shared/parity/README.md through lanegrad in float32 and compares
 * every tensor the file holds that lanegrad computes: forward values, final states, the loss and
 * every {@code grad.*}. A gradient in the file that lanegrad does not compute fails the case, so that
 * nothing is silently skipped.
 */
public final class ParityRunner {

    private final Tolerance tolerance;

    public ParityRunner() {
        this(Tolerance.FLOAT32);
    }

    public ParityRunner(Tolerance tolerance) {
        this.tolerance = tolerance;
    }

    /** The *.json files of a directory, sorted by name (whether each is a case is known only once read). */
    public static List<Path> jsonFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException(dir + ": no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Reads and runs one file. Empty when the file is JSON but not a case (index.json); a failed result
     * with the reason when it cannot be read, parsed or run.
     */
    public Optional<CaseResult> runFile(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        ParityCase pc;
        try {
            Object json = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(json instanceof Map<?, ?>)) {
                return Optional.empty();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) json;
            if (!ParityCase.isCase(object)) {
                return Optional.empty();
            }
            pc = ParityCase.parse(file.getFileName().toString(), object);
        } catch (IOException | RuntimeException e) {
            return Optional.of(CaseResult.failed(name, "?", reason(e)));
        }
        return Optional.of(run(name, pc));
    }

    /** Runs a case already read; never throws for a malformed case (the result says why it failed). */
    public CaseResult run(ParityCase pc) {
        return run(pc.source().replaceFirst("\\.json$", ""), pc);
    }

    private CaseResult run(String name, ParityCase pc) {
        String kind = "?";
        try {
            String module = pc.string("module");
            Comparison cmp = new Comparison(pc, tolerance);
            if (RecurrentParity.handles(module)) {
                kind = RecurrentParity.config(pc).mode().name();
                RecurrentParity.compare(pc, cmp);
            } else if (LinearCeParity.MODULE.equals(module)) {
                kind = "linear_ce";
                LinearCeParity.compare(pc, cmp);
            } else if (EmbeddingCeParity.MODULE.equals(module)) {
                kind = "embedding_ce";
                EmbeddingCeParity.compare(pc, cmp);
            } else if (ElementwiseParity.MODULE.equals(module)) {
                kind = "elementwise";
                ElementwiseParity.compare(pc, cmp);
            } else {
                throw new IllegalArgumentException(pc.source() + ": module " + module + ", expected RNN, LSTM, GRU, "
                        + LinearCeParity.MODULE + ", " + EmbeddingCeParity.MODULE + " or " + ElementwiseParity.MODULE);
            }
            for (String tensor : pc.tensors().keySet()) {
                if (tensor.startsWith("grad.") && !cmp.compared(tensor)) {
                    throw new IllegalArgumentException(pc.source() + ": lanegrad computes no " + tensor);
                }
            }
            return cmp.result(name, kind);
        } catch (RuntimeException e) {
            return CaseResult.failed(name, kind, reason(e));
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
