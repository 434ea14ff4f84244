package dev.lanegrad.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Bad input (IllegalArgumentException, an unreadable file) and bad options (an unknown option, a value
 * that is not a number) become one line saying what is wrong and exit code 2; set LANEGRAD_DEBUG=1 for
 * the stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
        return 2;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (System.getenv("LANEGRAD_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        String message = e.getMessage() != null ? e.getMessage()
                : "internal error (" + e.getClass().getSimpleName() + " without a message); set LANEGRAD_DEBUG=1 for the stack trace";
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message);
        return 2;
    }
}
