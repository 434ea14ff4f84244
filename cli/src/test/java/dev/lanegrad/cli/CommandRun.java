package dev.lanegrad.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** One run of the command line in this JVM: its exit code and what it printed to standard output and error. */
record CommandRun(int code, String out, String err) {

    /** {@code lanegrad <args>}. */
    static CommandRun of(String... args) {
        return capture(() -> Main.run(args));
    }

    /** Runs a command with System.out and System.err captured (and put back afterwards). */
    static CommandRun capture(IntSupplier command) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = command.getAsInt();
            return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }
}
