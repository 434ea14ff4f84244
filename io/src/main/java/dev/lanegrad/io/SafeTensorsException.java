package dev.lanegrad.io;

import java.io.IOException;

/**
 * A file that is not a well-formed safetensors file (wrong header length, header not JSON, offsets that
 * do not match the shapes, truncated data...). The message names the file and, where it applies, the
 * tensor and the offsets. An I/O problem, like {@link java.util.zip.ZipException}.
 */
public class SafeTensorsException extends IOException {

    public SafeTensorsException(String message) {
        super(message);
    }
}
