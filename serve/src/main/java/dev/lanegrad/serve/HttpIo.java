package dev.lanegrad.serve;

import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Reading bounded request bodies and writing JSON answers on the JDK's HTTP server. */
final class HttpIo {

    private HttpIo() {
    }

    /**
     * The body as UTF-8 text, at most maxBytes: a larger declared Content-Length is refused before reading
     * anything, a larger chunked body as soon as it passes the limit (the connection is then closed, as the
     * rest of the body is never read).
     */
    static String body(HttpExchange ex, int maxBytes) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Content-Length '" + declared + "' is not a number");
            }
            if (n < 0) {
                throw ApiError.badRequest("Content-Length " + n + " is negative");
            }
            if (n > maxBytes) {
                ex.getResponseHeaders().set("Connection", "close");
                throw ApiError.tooLarge("the body has " + n + " bytes, more than the limit of " + maxBytes);
            }
        }
        InputStream in = ex.getRequestBody();
        // the declared length is checked above, so it is a safe first size
        ByteArrayOutputStream buf = new ByteArrayOutputStream(declared != null ? (int) Long.parseLong(declared.trim()) + 1 : 1024);
        byte[] chunk = new byte[16384];
        int total = 0;
        for (int r; (r = in.read(chunk)) > 0; ) {
            total += r;
            if (total > maxBytes) {
                ex.getResponseHeaders().set("Connection", "close");
                throw ApiError.tooLarge("the body is longer than the limit of " + maxBytes + " bytes");
            }
            buf.write(chunk, 0, r);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(buf.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("the body is not UTF-8 text");
        }
    }

    /** Reads and drops whatever is left of the body, so the connection can carry the next request. */
    static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client went away; nothing to answer
        }
    }

    static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", JsonOut.write(body).getBytes(StandardCharsets.UTF_8));
    }

    static void error(HttpExchange ex, ApiError e) throws IOException {
        if (e.retryAfterSeconds() > 0) {
            ex.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        json(ex, e.status(), Map.of("error", e.getMessage(), "status", e.status()));
    }

    static void send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
