package dev.lanegrad.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Bad input (IllegalArgumentException, an unreadable file) becomes one line saying what is wrong and
 * exit code 2; set LANEGRAD_DEBUG=1 for the stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (System.getenv("LANEGRAD_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        cmd.getErr().println("lanegrad " + cmd.getCommandName() + ": " + message);
        return 2;
    }
}
