package dev.lanegrad.cli;

import dev.lanegrad.bench.rnn.BenchCase;
import dev.lanegrad.serve.ServeBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** `lanegrad serve-bench`: the serving load test of issue 11 in one JVM, with the in-process references beside it. */
@Command(name = "serve-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test the server in this JVM, each figure beside its in-process reference.",
                "Predict at N clients (vs S5), at half that rate with its p99 (vs S1), and N sessions stepping",
                "(vs a B=64 step). Run it on a quiet machine."})
final class ServeBenchCommand implements Callable<Integer> {

    /**
     * The default model and load are those of the S5 case of `lanegrad bench` (I=128, H=256, T=50, 64 sequences
     * at once): the in-process reference the predict figure is set against is that case.
     */
    private static final BenchCase S5 = BenchCase.S5;

    @Option(names = "--cell", defaultValue = "lstm", description = "lstm, gru or rnn (default: ${DEFAULT-VALUE})")
    String cell;

    @Option(names = "--input", description = "input size I (default: ${DEFAULT-VALUE})")
    int input = S5.input;

    @Option(names = "--hidden", description = "hidden size H (default: ${DEFAULT-VALUE})")
    int hidden = S5.hidden;

    @Option(names = "--steps", description = "time steps T per predict request (default: ${DEFAULT-VALUE})")
    int steps = S5.steps;

    @Option(names = "--clients", description = "concurrent predict clients (default: ${DEFAULT-VALUE})")
    int clients = S5.batch;

    @Option(names = "--sessions", defaultValue = "1000", description = "live sessions stepping at once (default: ${DEFAULT-VALUE})")
    int sessions;

    @Option(names = "--session-steps", defaultValue = "1", description = "time steps per session step request; the session "
            + "throughput counts time steps x sessions (default: ${DEFAULT-VALUE})")
    int sessionSteps;

    @Option(names = "--phases", defaultValue = "predict,latency,sessions", split = ",", description = "which targets to measure, "
            + "each with its own in-process reference: predict (vs S5), latency (p99 at half rate vs S1), sessions "
            + "(vs a B=64 step) (default: ${DEFAULT-VALUE})")
    java.util.Set<String> phases;

    @Option(names = "--seconds", defaultValue = "10", description = "length of each measurement (default: ${DEFAULT-VALUE})")
    int seconds;

    @Mixin
    ServerOptions serverOptions;

    @Option(names = "--body", defaultValue = "f32", description = "request and answer encoding: json (decimal numbers), f32 "
            + "(JSON with base64 float32 members) or binary (raw float32 in, f32 JSON out) (default: ${DEFAULT-VALUE})")
    String body;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || clients < 1 || sessions < 1 || steps < 1 || sessionSteps < 1) {
            throw new IllegalArgumentException("--seconds, --clients, --sessions, --steps and --session-steps must be >= 1");
        }
        ServeBench.Options o = new ServeBench.Options(cell, input, hidden, steps, clients, sessions, sessionSteps,
                Duration.ofSeconds(seconds), serverOptions.maxBatch, serverOptions.maxWait(), serverOptions.http, body, phases);
        System.out.println("serve-bench: " + cell + " I=" + input + " H=" + hidden + " T=" + steps + ", " + Runtime.getRuntime()
                .availableProcessors() + " cores, JDK " + Runtime.version() + ", kernels " + dev.lanegrad.engine.Kernels.gemm()
                .getClass().getSimpleName() + ", " + serverOptions.http + " server, " + body + " bodies, GC " + String.join("+",
                java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList()));
        ServeBench.Report r = ServeBench.run(o, line -> System.err.println("serve-bench: " + line));
        System.out.print(r.format());
        return r.errors() == 0 ? 0 : 1;
    }
}
