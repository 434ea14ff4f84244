package dev.lanegrad.cli;

import picocli.CommandLine.Option;

/** How a char-LM sample starts and how bold it is, declared once for `sample` and for the sample `train` prints. */
final class SamplingOptions {

    @Option(names = "--temperature", defaultValue = "0.8", description = "lower: safer, higher: more varied; 0: always the most "
            + "likely (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--prime", description = "text the sample starts from; it is printed first (default: a newline)")
    String prime;

    /** --temperature, checked before anything is loaded or trained. */
    float temperature() {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature " + temperature + ": expected a number >= 0");
        }
        return temperature;
    }
}
