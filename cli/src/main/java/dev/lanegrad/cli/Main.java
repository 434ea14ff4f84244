package dev.lanegrad.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The lanegrad command. Sub-commands are small classes of their own; this only wires them. */
@Command(name = "lanegrad", mixinStandardHelpOptions = true, version = "lanegrad 0.1.0",
        description = "Recurrent neural networks on the CPU in pure Java.",
        subcommands = {TrainCommand.class, SampleCommand.class, EvalCommand.class, ForecastCommand.class,
                ClassifyCommand.class, BenchCommand.class, JmhCommand.class, ParityCommand.class, InfoCommand.class,
                ServeCommand.class, ServeBenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code: 0 ok, 1 a failed check, 2 bad usage or input. */
    public static int run(String... args) {
        ErrorHandler errors = new ErrorHandler();
        CommandLine cmd = new CommandLine(new Main())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
        // everything after `jmh` belongs to JMH, options included (-f 1 -prof gc ...)
        cmd.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true);
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) {
            // a last resort: sizes are checked before allocating, so this means the heap is too small
            System.err.println("lanegrad: out of memory (" + e.getMessage() + "); raise the heap with -Xmx (JAVA_OPTS) or use "
                    + "smaller sizes");
            return 1;
        } catch (StackOverflowError e) {
            System.err.println("lanegrad: stack overflow (input nested too deeply?); set LANEGRAD_DEBUG=1 and report it");
            return 1;
        }
    }
}
