package dev.lanegrad.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.lanegrad.serve.ApiError.Status.BAD_REQUEST;
import static dev.lanegrad.serve.ApiError.Status.TOO_LARGE;

/**
 * The JDK's {@code com.sun.net.httpserver} (no dependency; {@code --http jdk}): a thread per request from
 * a fixed pool, each waiting for its batch. Kept for embedding without Netty; it costs more per request
 * (docs/serving.md, "Which HTTP server").
 */
final class JdkTransport implements ServeServer.Transport {

    static {
        // The JDK server leaves Nagle's algorithm on and writes a response's headers and body separately, so
        // the body waits for the client's delayed ACK (~40 ms on Linux): with no model at all, 8 clients got
        // 150 answers/s at p50 50 ms, and 609/s at p50 9 ms with TCP_NODELAY (busy 2-core machine). The
        // JDK reads this once, when its first server is made; an explicit -D setting wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // It also closes keep-alive connections idle beyond 200 (its default): 800 of 1,000 session clients
        // failed on their next request, each time
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
        }
    }

    private final ServeServer server;
    private final HttpServer http;
    private final ExecutorService handlers;

    JdkTransport(ServeServer server) throws IOException {
        this.server = server;
        this.handlers = Executors.newFixedThreadPool(server.config.httpThreads(), ServeServer.daemon("lanegrad-http"));
        this.http = HttpServer.create(new InetSocketAddress(server.config.host(), server.config.port()), 1024);
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
        http.start();
    }

    @Override
    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        ServeServer.Exchange x = server.begin(new ExchangeCall(ex, server.config.maxBodyBytes()));
        int status = 499;
        try {
            Answer a = x.answer.get();
            if (a != null) {
                status = a.status();
                write(ex, a);
            }
        } catch (IOException | UncheckedIOException e) {
            status = 499; // the client went away mid-answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the answer future failed", e); // begin() never lets it
        } finally {
            server.finished(x, status);
            ex.close();
        }
    }

    private static void write(HttpExchange ex, Answer a) throws IOException {
        if (a.status() >= 400 && !a.headers().containsKey("Connection")) {
            drain(ex); // what is left of a refused body, so the connection can carry the next request
        }
        ex.getResponseHeaders().set("Content-Type", a.contentType());
        a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (a.stream() != null) {
            ex.sendResponseHeaders(a.status(), 0);
            try (OutputStream out = ex.getResponseBody()) {
                a.stream().accept(cp -> {
                    try {
                        out.write(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            return;
        }
        byte[] bytes = a.bytes();
        ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client went away; nothing to answer
        }
    }

    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
    }

    /** A request of the JDK server; the body is read when asked for, at most maxBytes. */
    private record ExchangeCall(HttpExchange ex, int maxBytes) implements Call {
        @Override
        public String method() {
            return ex.getRequestMethod();
        }

        @Override
        public String path() {
            return ex.getRequestURI().getRawPath();
        }

        @Override
        public String query() {
            return ex.getRequestURI().getRawQuery();
        }

        @Override
        public String header(String name) {
            return ex.getRequestHeaders().getFirst(name);
        }

        /**
         * A larger declared Content-Length is refused before reading anything, a larger chunked body as soon
         * as it passes the limit (the connection is then closed, as the rest of the body is never read).
         */
        @Override
        public byte[] body() throws IOException {
            String declared = header("Content-Length");
            long n = -1;
            if (declared != null) {
                try {
                    n = Long.parseLong(declared.trim());
                } catch (NumberFormatException e) {
                    throw new ApiError(BAD_REQUEST, "Content-Length '" + declared + "' is not a number");
                }
                if (n < 0) {
                    throw new ApiError(BAD_REQUEST, "Content-Length " + n + " is negative");
                }
                if (n > maxBytes) {
                    throw new ApiError(TOO_LARGE, "the body has " + n + " bytes, more than the limit of " + maxBytes)
                            .withHeader("Connection", "close");
                }
            }
            InputStream in = ex.getRequestBody();
            ByteArrayOutputStream buf = new ByteArrayOutputStream(n >= 0 ? (int) n + 1 : 1024);
            byte[] chunk = new byte[16384];
            int total = 0;
            for (int r; (r = in.read(chunk)) > 0; ) {
                total += r;
                if (total > maxBytes) {
                    throw new ApiError(TOO_LARGE, "the body is longer than the limit of " + maxBytes + " bytes")
                            .withHeader("Connection", "close");
                }
                buf.write(chunk, 0, r);
            }
            return buf.toByteArray();
        }
    }
}
