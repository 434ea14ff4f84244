package dev.lanegrad.serve;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** HTTP load from java.net.http clients: closed loop, open loop at a fixed rate, and session chains. */
public final class LoadClients {

    /** What a run gave: answers per second, latency percentiles, errors (any status but 200). */
    public record Result(int clients, long ok, long errors, double seconds, double p50Millis, double p99Millis) {
        public double perSecond() {
            return ok / seconds;
        }
    }

    private static final int MAX_SAMPLES = 1 << 21;

    private final HttpClient http;
    private final String base;

    public LoadClients(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Latencies (ns) from many threads, and the counts. */
    private static final class Tally {
        final long[] latencies = new long[MAX_SAMPLES];
        final AtomicInteger samples = new AtomicInteger();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong errors = new AtomicLong();

        void record(int status, long nanos) {
            if (status == 200) {
                ok.incrementAndGet();
                int i = samples.getAndIncrement();
                if (i < MAX_SAMPLES) {
                    latencies[i] = nanos;
                }
            } else {
                errors.incrementAndGet();
            }
        }

        Result result(int clients, long elapsedNanos) {
            long[] l = Arrays.copyOf(latencies, Math.min(samples.get(), MAX_SAMPLES));
            Arrays.sort(l);
            return new Result(clients, ok.get(), errors.get(), elapsedNanos * 1e-9, pct(l, 0.50), pct(l, 0.99));
        }

        private static double pct(long[] sorted, double q) {
            return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] * 1e-6;
        }
    }

    /** Each of n threads sends, waits for the answer, sends again, until the time is up. */
    public Result closedLoop(String path, String body, int n, long nanos) throws InterruptedException {
        HttpRequest req = request(path, body);
        HttpRequest[] each = new HttpRequest[n];
        Arrays.fill(each, req);
        return loops(each, nanos);
    }

    /** Every session steps, waits for the answer, steps again, until the time is up: ids.length in flight. */
    public Result sessions(String[] ids, String body, long nanos) throws InterruptedException {
        HttpRequest[] each = new HttpRequest[ids.length];
        for (int i = 0; i < ids.length; i++) {
            each[i] = request("/v1/sessions/" + ids[i] + "/step", body);
        }
        return loops(each, nanos);
    }

    /**
     * One thread per request stream, each with blocking sends. (Not sendAsync: its completions go to the
     * default async pool, which on a 2-core machine is a new thread per task.)
     */
    private Result loops(HttpRequest[] requests, long nanos) throws InterruptedException {
        Tally tally = new Tally();
        long start = System.nanoTime();
        long end = start + nanos;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            HttpRequest req = requests[i];
            Thread t = new Thread(null, () -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    tally.record(send(req), System.nanoTime() - t0);
                }
            }, "lanegrad-load-" + i, 256 * 1024);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return tally.result(requests.length, System.nanoTime() - start);
    }

    /** The status, or -1 when the exchange failed. */
    private int send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Requests at a fixed rate whatever the answers do (open loop), sent by a pool of senders; a latency
     * runs from the moment a request was due, so a stalled server is not hidden by clients that wait.
     */
    public Result openLoop(String path, String body, double perSecond, long nanos) throws InterruptedException {
        HttpRequest req = request(path, body);
        Tally tally = new Tally();
        long interval = (long) (1e9 / perSecond);
        long start = System.nanoTime();
        long count = nanos / interval;
        ExecutorService senders = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "lanegrad-load-open");
            t.setDaemon(true);
            return t;
        });
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            senders.execute(() -> tally.record(send(req), System.nanoTime() - due));
        }
        senders.shutdown();
        senders.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
        return tally.result(1, System.nanoTime() - start);
    }
}
