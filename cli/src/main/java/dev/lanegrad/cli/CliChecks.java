package dev.lanegrad.cli;

/**
 * Checks of option values that must happen before a command creates anything (a run folder, a thread
 * pool), with messages that name the option and its allowed range.
 */
final class CliChecks {

    /**
     * The most engine threads we accept: far above any useful count (kernels split work at most into
     * a few chunks per core), and far below ForkJoinPool's own limit of 32767, which fails later with an
     * exception that has no message.
     */
    static final int MAX_THREADS = 1024;

    private CliChecks() {
    }

    static void threads(String option, int value) {
        if (value < 1 || value > MAX_THREADS) {
            throw new IllegalArgumentException(option + " " + value + ": expected a whole number from 1 to " + MAX_THREADS
                    + " (this machine has " + Runtime.getRuntime().availableProcessors() + " cores)");
        }
    }

    /**
     * Whether a training loss says the run has diverged: not a number, or more than ten times the loss of
     * a uniform guess over the vocabulary (ln V, where every char-LM starts). A loss in the hundreds of
     * thousands is not a model worth saving as "best".
     */
    static boolean diverged(double loss, int vocabularySize) {
        return !Double.isFinite(loss) || loss > 10 * Math.log(Math.max(2, vocabularySize));
    }
}
