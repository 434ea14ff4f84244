package dev.lanegrad.cli;

import dev.lanegrad.engine.Kernels;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * `lanegrad info`: what this JVM runs: JDK, os.arch, vector or scalar kernels and why, species width and
 * lanes, the register count assumed, the GEMM register tile and blocking, and the engine's thread count.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the JDK, the CPU architecture, the kernels in use and their shapes (species, registers, GEMM tile), and the thread count.")
final class InfoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        try {
            System.out.print(Kernels.describe().toText());
        } catch (ExceptionInInitializerError e) {
            // a malformed -Dlanegrad.* property fails the engine's class initialisation: report its message
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw bad;
            }
            throw e;
        }
        return 0;
    }
}
