package dev.lanegrad.serve;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's counters, histograms and gauges, written in Prometheus' text exposition format (0.0.4).
 * Updates are lock-free adders, so recording costs nothing measurable next to a request.
 */
public final class Metrics {

    /** Latency buckets in seconds: 0.5 ms to 10 s. */
    static final double[] SECONDS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
    /** Batch-size buckets. */
    static final double[] SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, Histogram> batchSizes = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    /** Counts one answered request and its latency; 4xx and 5xx also count as errors. */
    public void request(String endpoint, int status, long nanos) {
        requests.computeIfAbsent("endpoint=\"" + endpoint + "\",status=\"" + status + "\"", k -> new LongAdder()).increment();
        if (status >= 400) {
            errors.computeIfAbsent("endpoint=\"" + endpoint + "\"", k -> new LongAdder()).increment();
        }
        latency.computeIfAbsent("endpoint=\"" + endpoint + "\"", k -> new Histogram(SECONDS)).observe(nanos * 1e-9);
    }

    /** The batch-size histogram of one batcher (kind: predict or step, and the model). */
    public Histogram batchSizes(String kind, String model) {
        return batchSizes.computeIfAbsent("kind=\"" + kind + "\",model=\"" + model + "\"", k -> new Histogram(SIZES));
    }

    /** A gauge read at scrape time, e.g. {@code lanegrad_queue_depth{queue="predict",model="m"}}. */
    public void gauge(String name, String labels, LongSupplier value) {
        gauges.put(name + (labels.isEmpty() ? "" : "{" + labels + "}"), value);
    }

    /** Everything, in Prometheus' text format. */
    public String scrape() {
        StringBuilder sb = new StringBuilder(4096);
        counter(sb, "lanegrad_requests_total", "Requests answered, by endpoint and HTTP status.", requests);
        counter(sb, "lanegrad_errors_total", "Requests answered with a 4xx or 5xx status, by endpoint.", errors);
        histograms(sb, "lanegrad_request_seconds", "Time from reading a request to its answer, by endpoint.", latency);
        histograms(sb, "lanegrad_batch_size", "Rows per batched forward (predict) or batched step (sessions).", batchSizes);
        Map<String, LongSupplier> sorted = new TreeMap<>(gauges);
        String last = "";
        for (Map.Entry<String, LongSupplier> e : sorted.entrySet()) {
            String name = e.getKey().contains("{") ? e.getKey().substring(0, e.getKey().indexOf('{')) : e.getKey();
            if (!name.equals(last)) {
                sb.append("# TYPE ").append(name).append(" gauge\n");
                last = name;
            }
            sb.append(e.getKey()).append(' ').append(e.getValue().getAsLong()).append('\n');
        }
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, Map<String, LongAdder> m) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(m).forEach((labels, v) -> sb.append(name).append('{').append(labels).append("} ").append(v.sum()).append('\n'));
    }

    private static void histograms(StringBuilder sb, String name, String help, Map<String, Histogram> m) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" histogram\n");
        new TreeMap<>(m).forEach((labels, h) -> h.write(sb, name, labels));
    }

    /** A cumulative histogram with fixed upper bounds. */
    public static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        public void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(v);
        }

        public long count() {
            return count.sum();
        }

        public double sum() {
            return sum.sum();
        }

        void write(StringBuilder sb, String name, String labels) {
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts[i].sum();
                sb.append(name).append("_bucket{").append(labels).append(",le=\"").append(bounds[i]).append("\"} ")
                        .append(cumulative).append('\n');
            }
            sb.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(count.sum()).append('\n');
            sb.append(name).append("_sum{").append(labels).append("} ").append(sum.sum()).append('\n');
            sb.append(name).append("_count{").append(labels).append("} ").append(count.sum()).append('\n');
        }
    }
}
