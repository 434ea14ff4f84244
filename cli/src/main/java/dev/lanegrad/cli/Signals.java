package dev.lanegrad.cli;

/**
 * Runs an action on SIGTERM or SIGINT instead of letting the JVM exit at once, so a server can drain
 * and then return exit code 0 (a JVM killed by SIGTERM otherwise exits 143). Where the JDK's signal
 * API is missing, a shutdown hook runs the action (the exit code is then the JVM's).
 */
final class Signals {

    private Signals() {
    }

    static void onTermination(Runnable action) {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
            }
        } catch (RuntimeException | LinkageError e) {
            Runtime.getRuntime().addShutdownHook(new Thread(action, "lanegrad-shutdown"));
        }
    }
}
