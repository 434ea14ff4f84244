package dev.lanegrad.serve;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP/1.1 load on keep-alive connections from ONE thread (a selector), like wrk: each request's bytes are
 * encoded once, an answer is read as far as its status and Content-Length and then skipped. Closed loop
 * (each connection sends again as soon as its answer is in), open loop at a fixed rate, and session chains.
 * The thread's own CPU time is counted, so a bench can tell the load generator's cost from the server's.
 * (java.net.http cost more than the server it measured: ~2,400 threads started in one run, a connect per
 * few requests, and its CPU could not be told apart.)
 */
public final class LoadClients {

    /** What a run gave: answers per second, latency percentiles, errors (any status but 200), the client's CPU. */
    public record Result(int clients, long ok, long errors, double seconds, double p50Millis, double p99Millis,
                         double clientCpuSeconds) {
        public double perSecond() {
            return ok / seconds;
        }
    }

    private static final int MAX_SAMPLES = 1 << 21;
    private static final int READ_BUFFER = 64 * 1024;

    private final InetSocketAddress address;
    /**
     * The latencies of a run, kept from run to run: a new 16 MB array per run (the warm-up runs one a second)
     * outlived young collections in the server's JVM, was promoted, and every ~10 s filled the old
     * generation: the serial collector's full collections (26-53 ms, after young ones of up to 60 ms) then
     * made the p99 of a 5 s half-rate phase 105 ms instead of ~10 (-Xlog:gc, two cores).
     */
    private final long[] latencies = new long[MAX_SAMPLES];

    public LoadClients(int port) {
        this.address = new InetSocketAddress("127.0.0.1", port);
    }

    /** The bytes of one POST: request line, headers and body. */
    public static byte[] post(String path, String contentType, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Each of n connections sends, waits for the answer, sends again, until the time is up. */
    public Result closedLoop(byte[] request, int n, long nanos) throws IOException {
        byte[][] each = new byte[n][];
        Arrays.fill(each, request);
        return run(each, nanos, 0);
    }

    /** Connection i sends requests[i] in a closed loop (e.g. one session each). */
    public Result closedLoop(byte[][] requests, long nanos) throws IOException {
        return run(requests, nanos, 0);
    }

    /**
     * Requests at a fixed rate whatever the answers do (open loop) on up to {@code connections} connections;
     * a latency runs from the moment a request was due, so a stalled server is not hidden by a waiting client.
     */
    public Result openLoop(byte[] request, int connections, double perSecond, long nanos) throws IOException {
        byte[][] each = new byte[connections][];
        Arrays.fill(each, request);
        return run(each, nanos, (long) (1e9 / perSecond));
    }

    /** One connection's request in flight and what has been read of its answer. */
    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer request;
        final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
        long started;
        int status;
        long bodyLeft = -1; // -1: still reading the head

        Conn(SocketChannel ch, byte[] request) {
            this.ch = ch;
            this.request = ByteBuffer.allocateDirect(request.length).put(request).flip();
        }
    }

    /**
     * interval 0: closed loop; otherwise a request is due every interval ns and idle connections take them.
     * One run at a time (they share the latency array).
     */
    private synchronized Result run(byte[][] requests, long nanos, long interval) throws IOException {
        int samples = 0;
        long ok = 0;
        long errors = 0;
        long cpu0 = threadCpu();
        try (Selector sel = Selector.open()) {
            Conn[] conns = new Conn[requests.length];
            ArrayDeque<Conn> idle = new ArrayDeque<>();
            for (int i = 0; i < conns.length; i++) {
                SocketChannel ch = SocketChannel.open(address);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                conns[i] = new Conn(ch, requests[i]);
                ch.register(sel, 0, conns[i]);
                idle.add(conns[i]);
            }
            long start = System.nanoTime();
            long end = start + nanos;
            ConcurrentLinkedQueue<Long> due = new ConcurrentLinkedQueue<>(); // open loop: due, not yet sent
            Thread pacer = interval == 0 ? null : pacer(start, end, interval, due, sel);
            int inFlight = 0;
            while (true) {
                long now = System.nanoTime();
                if (interval == 0) {
                    while (now < end && !idle.isEmpty()) {
                        inFlight += send(idle.poll(), now, sel);
                    }
                } else {
                    while (!due.isEmpty() && !idle.isEmpty()) {
                        inFlight += send(idle.poll(), due.poll(), sel);
                    }
                }
                if (inFlight == 0 && now >= end && due.isEmpty() && (pacer == null || !pacer.isAlive())) {
                    break;
                }
                sel.select(100);
                for (SelectionKey k : sel.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    int done = k.isValid() && k.isWritable() ? write(c, k) : 0;
                    if (done == 0 && k.isValid() && k.isReadable()) {
                        done = read(c);
                    }
                    if (done != 0) {
                        inFlight--;
                        long t = System.nanoTime() - c.started;
                        if (done == 1) {
                            ok++;
                            if (samples < MAX_SAMPLES) {
                                latencies[samples++] = t;
                            }
                            k.interestOps(0);
                            idle.add(c);
                        } else {
                            errors++;
                            k.cancel();
                            c.ch.close();
                        }
                    }
                }
                sel.selectedKeys().clear();
                if (inFlight == 0 && idle.isEmpty()) {
                    break; // every connection broke
                }
            }
            long elapsed = System.nanoTime() - start;
            for (Conn c : conns) {
                c.ch.close();
            }
            errors += due.size();
            Arrays.sort(latencies, 0, samples);
            return new Result(requests.length, ok, errors, elapsed * 1e-9, pct(latencies, samples, 0.50),
                    pct(latencies, samples, 0.99), (threadCpu() - cpu0) * 1e-9);
        }
    }

    /** A thread that marks a request due every interval ns until end and wakes the selector (ms timeouts are too coarse). */
    private static Thread pacer(long start, long end, long interval, ConcurrentLinkedQueue<Long> due, Selector sel) {
        Thread t = new Thread(() -> {
            for (long next = start; next < end; next += interval) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                due.add(next);
                sel.wakeup();
            }
        }, "lanegrad-load-pacer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Starts a request; returns 1 (in flight: a broken connection is counted when its answer fails). */
    private static int send(Conn c, long started, Selector sel) {
        c.started = started;
        c.request.rewind();
        c.in.clear();
        c.bodyLeft = -1;
        try {
            c.ch.write(c.request);
        } catch (IOException e) {
            // the server closed it; the key says readable at once and the read fails: counted there
        }
        c.ch.keyFor(sel).interestOps(c.request.hasRemaining() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
        return 1;
    }

    /** Writes more of the request; 0 while the answer is still due, -1 when the connection broke. */
    private static int write(Conn c, SelectionKey k) {
        try {
            c.ch.write(c.request);
        } catch (IOException e) {
            return -1;
        }
        if (!c.request.hasRemaining()) {
            k.interestOps(SelectionKey.OP_READ);
        }
        return 0;
    }

    /** Reads what has come: 0 while more is due, 1 for a 200 answer read whole, -1 otherwise. */
    private static int read(Conn c) {
        int r;
        try {
            r = c.ch.read(c.in);
        } catch (IOException e) {
            return -1;
        }
        if (r < 0) {
            return -1;
        }
        if (c.bodyLeft < 0) {
            int headEnd = headEnd(c.in);
            if (headEnd < 0) {
                return c.in.hasRemaining() ? 0 : -1; // a head over 64 KB: not ours
            }
            c.status = statusAndLength(c, headEnd);
            if (c.bodyLeft < 0) {
                return -1;
            }
            c.bodyLeft -= c.in.position() - headEnd;
        } else {
            c.bodyLeft -= r;
        }
        c.in.clear();
        if (c.bodyLeft > 0) {
            return 0;
        }
        return c.bodyLeft == 0 && c.status == 200 ? 1 : -1;
    }

    /** The index just past "\r\n\r\n" in what was read, or -1. */
    private static int headEnd(ByteBuffer b) {
        for (int i = 3; i < b.position(); i++) {
            if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The status code; sets bodyLeft from Content-Length (stays -1 without one: chunked answers are not read). */
    private static int statusAndLength(Conn c, int headEnd) {
        byte[] head = new byte[headEnd];
        c.in.get(0, head);
        String text = new String(head, StandardCharsets.US_ASCII);
        int status = text.length() > 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                c.bodyLeft = Long.parseLong(line.substring(15).trim());
            }
        }
        return status;
    }

    /** The q quantile of the first n values of sorted, in ms. */
    private static double pct(long[] sorted, int n, double q) {
        return n == 0 ? Double.NaN : sorted[(int) Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] * 1e-6;
    }

    private static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
