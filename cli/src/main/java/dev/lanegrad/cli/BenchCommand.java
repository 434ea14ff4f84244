package dev.lanegrad.cli;

import picocli.CommandLine.Command;

/** Quick in-process measurements; JMH is the reference (see `lanegrad jmh`). */
@Command(name = "bench", description = "Quick in-process benchmarks (warm-up, then the median of repeated timings).",
        subcommands = {BenchGemmCommand.class})
final class BenchCommand {
}
