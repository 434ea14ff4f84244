package dev.lanegrad.serve;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.lanegrad.serve.ApiError.Status.BAD_REQUEST;

/**
 * A request body as the members the models read: a JSON object, or (Content-Type application/octet-stream)
 * the input itself as little-endian float32 values, member "x_f32" as the body's buffers, with the other members in the
 * query string ({@code ?outputs=false&f32=true}). The binary body skips JSON and base64 altogether.
 */
final class Bodies {

    static final String BINARY = "application/octet-stream";

    private Bodies() {
    }

    /** JSON or binary, by the Content-Type. */
    static Map<String, Object> read(Call c) throws IOException {
        String type = c.header("Content-Type");
        if (type != null && type.regionMatches(true, 0, BINARY, 0, BINARY.length())) {
            Map<String, Object> m = query(c.query());
            if (m.containsKey("x") || m.containsKey("x_f32")) {
                throw new ApiError(BAD_REQUEST, "a binary body is the input itself; the query cannot also give 'x' or 'x_f32'");
            }
            m.put("x_f32", c.bodyBuffers());
            return m;
        }
        return json(c);
    }

    /** A JSON object body; a binary one is refused by name. */
    static Map<String, Object> json(Call c) throws IOException {
        String type = c.header("Content-Type");
        if (type != null && type.regionMatches(true, 0, BINARY, 0, BINARY.length())) {
            throw new ApiError(BAD_REQUEST, "this endpoint takes a JSON body, not " + BINARY);
        }
        return Inputs.object(utf8(c.body()));
    }

    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiError(BAD_REQUEST, "the body is not UTF-8 text");
        }
    }

    /** name=value pairs: true / false, integers and numbers as JSON reads them, anything else as a string. */
    static Map<String, Object> query(String q) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (q == null || q.isEmpty()) {
            return m;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "true" : decode(pair.substring(eq + 1));
            m.put(name, value(value));
        }
        return m;
    }

    private static Object value(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        try {
            return Long.valueOf(v);
        } catch (NumberFormatException e) {
            // not an integer
        }
        try {
            return Double.valueOf(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(BAD_REQUEST, "the query string has a bad %-escape in '" + s + "'");
        }
    }
}
