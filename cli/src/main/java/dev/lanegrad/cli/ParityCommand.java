package dev.lanegrad.cli;

import dev.lanegrad.tasks.parity.CaseResult;
import dev.lanegrad.tasks.parity.ParityRunner;
import dev.lanegrad.tasks.parity.Tolerance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Checks lanegrad against PyTorch's golden files (shared/parity/README.md): one line per case with
 * the largest errors and the tensor nearest its bound, then a summary. Exit 0 when every case is
 * within atol 1e-5 + rtol 1e-4, 1 when any is not (or cannot be run), 2 when DIR holds no case.
 */
@Command(name = "parity", description = "Compare lanegrad with PyTorch golden files (*.json cases in DIR) "
        + "on outputs, states, losses and every gradient, in float32.")
final class ParityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "directory of golden *.json cases, e.g. shared/parity")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> files = ParityRunner.jsonFiles(dir);
        int width = files.stream().mapToInt(p -> p.getFileName().toString().length() - ".json".length()).max().orElse(0);
        ParityRunner runner = new ParityRunner();
        int cases = 0;
        int ok = 0;
        for (Path file : files) {
            Optional<CaseResult> result = runner.runFile(file);
            if (result.isEmpty()) {
                continue; // JSON that is not a case, such as index.json
            }
            CaseResult r = result.get();
            cases++;
            if (r.passed()) {
                ok++;
            }
            out.println(line(r, width));
            out.flush();
        }
        if (cases == 0) {
            throw new IllegalArgumentException(dir + ": no parity case files (*.json with a \"tensors\" object)");
        }
        Tolerance t = Tolerance.FLOAT32;
        out.printf(Locale.ROOT, "%d cases: %d ok, %d failed (atol %.0e + rtol %.0e * |ref|)%n", cases, ok, cases - ok,
                t.atol(), t.rtol());
        out.flush();
        return ok == cases ? 0 : 1;
    }

    static String line(CaseResult r, int width) {
        String head = String.format(Locale.ROOT, "%-" + Math.max(width, 1) + "s  %-12s", r.name(), r.kind());
        if (r.count() == 0) {
            return head + "  FAILED: " + r.failure();
        }
        String numbers = String.format(Locale.ROOT, "  max abs %.1e  max rel %.1e (%s)", r.maxAbs(), r.maxRel(), r.worst());
        return head + numbers + (r.passed() ? "  ok" : "  FAILED: " + r.failure());
    }
}
