package dev.lanegrad.serve;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A request as the routes see it, whatever server library read it. */
public interface Call {

    /** GET, POST, ... */
    String method();

    /** The raw path, e.g. /v1/models/lm/predict. */
    String path();

    /** The raw query string, or null. */
    String query();

    /** A request header's first value, or null. */
    String header(String name);

    /** The whole body, at most the configured limit (413 beyond it). */
    byte[] body() throws IOException;

    /**
     * The body as the transport holds it, in one or more buffers read in order, without a copy where the
     * transport can (Netty's aggregated body); valid only while the request is being routed.
     */
    default ByteBuffer[] bodyBuffers() throws IOException {
        return new ByteBuffer[] {ByteBuffer.wrap(body())};
    }
}
