package dev.lanegrad.io;

/**
 * Text that is not the JSON expected: a syntax error (with its offset), nesting deeper than
 * {@link Json#MAX_DEPTH}, or a value of the wrong kind at the top level. An IllegalArgumentException, so
 * callers that already catch bad arguments keep working.
 */
public class JsonException extends IllegalArgumentException {

    public JsonException(String message) {
        super(message);
    }
}
