package dev.lanegrad.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** Runs the JMH benchmarks of the bench module; every argument goes to JMH (try: jmh -h, jmh -l). */
@Command(name = "jmh", description = "Run the JMH benchmarks (arguments go to JMH: -l lists them, -prof gc adds allocation).")
final class JmhCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(arity = "0..*", description = "JMH arguments, e.g. GemmBench -p size=256 -prof gc")
    List<String> args = List.of();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(new String[0]));
        return 0;
    }
}
