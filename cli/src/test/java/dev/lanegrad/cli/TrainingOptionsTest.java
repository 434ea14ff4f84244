package dev.lanegrad.cli;

import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static dev.lanegrad.cli.CharLmCommandsTest.TINY;
import static dev.lanegrad.cli.CharLmCommandsTest.args;
import static dev.lanegrad.cli.CharLmCommandsTest.assertExit2;
import static dev.lanegrad.cli.CommandRun.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train --save-every, --resume from a saved state, --patience; sample --top-p; forecasts with their dates. */
class TrainingOptionsTest {

    private static CommandRun train(Path text, String... more) {
        String[] base = args(args(new String[] {"train"}, TINY), "--text", text.toString(), "--sample-length", "0");
        return capture(() -> Main.run(args(base, more)));
    }

    @Test
    void periodicCheckpointsResumeTheRunWhereItWas(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), CharLmCommandsTest.text());
        Path a = tmp.resolve("a");
        CommandRun whole = train(text, "--steps", "12", "--val-every", "3", "--save-every", "6", "--out", a.toString());
        assertEquals(0, whole.code(), whole.out() + whole.err());
        assertTrue(whole.out().contains("step 6: checkpoint saved to " + a.resolve("step-6")), whole.out());
        for (Path d : List.of(a, a.resolve("step-6"), a.resolve("last"))) {
            for (String f : List.of("model.safetensors", "config.json", "training.safetensors")) {
                assertTrue(Files.isRegularFile(d.resolve(f)), d.resolve(f).toString());
            }
        }

        Path b = tmp.resolve("b");
        CommandRun rest = train(text, "--resume", a.resolve("step-6").toString(), "--steps", "6", "--val-every", "3",
                "--hidden", "64", "--out", b.toString());
        assertEquals(0, rest.code(), rest.out() + rest.err());
        assertTrue(rest.out().contains("resumed from " + a.resolve("step-6") + " at step 6 (optimizer, schedule, batches and "
                + "dropout as they were)"), rest.out());
        assertTrue(rest.out().contains("note: --hidden is ignored with --resume: the run continues with the checkpoint's settings"),
                rest.out());
        assertTrue(rest.out().contains("trained 12 steps"), rest.out());
        // without --steps or --minutes a resume goes to the end of the resumed run: this one has none left
        List<String> noLimit = new java.util.ArrayList<>(List.of(TINY));
        noLimit.subList(noLimit.indexOf("--steps"), noLimit.indexOf("--steps") + 2).clear();
        noLimit.addAll(0, List.of("train", "--resume", a.toString(), "--text", text.toString()));
        assertExit2("--resume " + a + ": the run already reached its limit (step 12 of 12); give --steps N or --minutes M",
                noLimit.toArray(String[]::new));
        // the same 12 steps: equal up to the last bits, which the Vector API kernels may round differently in
        // a JVM that has not compiled the loop yet (bit for bit on the scalar kernels: CharLmResumeTest)
        Checkpoint x = SafeTensors.read(a.resolve("last").resolve("model.safetensors"));
        Checkpoint y = SafeTensors.read(b.resolve("last").resolve("model.safetensors"));
        assertEquals(x.tensors().keySet(), y.tensors().keySet());
        for (NamedTensor t : x.tensors().values()) {
            float[] u = t.data();
            float[] v = y.get(t.name()).data();
            for (int i = 0; i < u.length; i++) {
                assertEquals(u[i], v[i], 1e-4f, t.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void patienceStopsARunThatNoLongerImproves(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), CharLmCommandsTest.text());
        CommandRun r = train(text, "--steps", "400", "--val-every", "1", "--patience", "1", "--out",
                tmp.resolve("p").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("stopped early at step "), r.out());
        assertTrue(r.out().contains("no lower validation loss in 1 validations (--patience)"), r.out());
        assertExit2("--patience -1: expected a whole number >= 1 (or 0 for never)",
                args(args(new String[] {"train"}, TINY), "--text", text.toString(), "--patience", "-1"));
    }

    @Test
    void topPSamplingAndItsBounds(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), CharLmCommandsTest.text());
        Path run = tmp.resolve("run");
        assertEquals(0, train(text, "--steps", "20", "--out", run.toString()).code());
        CommandRun p = capture(() -> Main.run("sample", "--checkpoint", run.toString(), "--length", "80",
                "--top-p", "0.9", "--seed", "3"));
        assertEquals(0, p.code(), p.err());
        assertEquals(80 + System.lineSeparator().length(), p.out().length(), p.out());
        assertExit2("--top-p 0.0: expected a probability in (0, 1], 1 for all characters",
                "sample", "--checkpoint", run.toString(), "--top-p", "0");
        assertExit2("--top-p 1.5: expected a probability in (0, 1]", "sample", "--checkpoint", run.toString(), "--top-p", "1.5");
    }

    @Test
    void forecastsArePrintedWithTheirDates(@TempDir Path tmp) throws IOException {
        StringBuilder csv = new StringBuilder("month,value\n");
        for (int t = 0; t < 120; t++) {
            csv.append(String.format(Locale.ROOT, "%d-%02d,%.3f%n", 2000 + t / 12, 1 + t % 12, 10 + 3 * Math.sin(t * Math.PI / 6)));
        }
        Path file = Files.writeString(tmp.resolve("monthly.csv"), csv.toString());
        Path out = tmp.resolve("run");
        CommandRun r = capture(() -> Main.run("forecast", "--csv", file.toString(), "--column", "value", "--window",
                "12", "--horizon", "2", "--hidden", "4", "--layers", "1", "--epochs", "1", "--out", out.toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        CommandRun ahead = capture(() -> Main.run("forecast", "--checkpoint", out.toString(), "--csv", file.toString(),
                "--column", "value"));
        assertEquals(0, ahead.code(), ahead.out() + ahead.err());
        assertTrue(ahead.out().contains("\nt+1\t2010-01\t"), ahead.out());
        assertTrue(ahead.out().contains("\nt+2\t2010-02\t"), ahead.out());
    }
}
