package dev.lanegrad.serve;

import dev.lanegrad.engine.EngineThreads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static dev.lanegrad.serve.ApiError.Status.OVERLOADED;
import static dev.lanegrad.serve.ApiError.Status.UNAVAILABLE;

/**
 * Collects jobs from any number of threads and runs them in batches on one or more lanes (a thread each,
 * batches one after another): a batch starts with the oldest waiting job and takes whatever else arrives
 * within {@code maxWait} of that job's arrival, or until {@code maxBatch} jobs. Under load the queue already
 * holds a full batch and nobody waits; at low load a lone job waits at most maxWait, and with several lanes
 * not at all when no other lane is running a batch. The queue is bounded: a job beyond it is refused at
 * once (429), never parked, so memory and latency stay bounded.
 *
 * @param <I> a job's input (already checked)
 * @param <O> its result
 */
public final class MicroBatcher<I, O> implements AutoCloseable {

    /** Runs a batch; returns one result per input, in order. Exceptions fail every job of the batch. */
    public interface Runner<I, O> extends Function<List<I>, List<O>> {
    }

    private record Job<I, O>(I input, CompletableFuture<O> result, long arrivedNanos) {
    }

    private final String name;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final ArrayBlockingQueue<Job<I, O>> queue;
    private final Runner<I, O> runner;
    private final Metrics.Histogram batchSizes;
    private final boolean inPool;
    private final Thread[] lanes;
    /** Batches running now. */
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean closing;

    /** One lane: batches one after another on one thread, whose kernels may split over the engine pool. */
    public MicroBatcher(String name, int maxBatch, long maxWaitNanos, int queueCapacity, Runner<I, O> runner,
                        Metrics.Histogram batchSizes) {
        this(name, maxBatch, maxWaitNanos, queueCapacity, runner, batchSizes, 1, false);
    }

    /**
     * lanes: batches that may run at once (the runner must then be thread-safe). inPool: each batch runs as
     * one task of the engine pool, so its kernels stay on that one thread ({@link EngineThreads#inPool()})
     * instead of splitting each batch over the cores; with lanes = cores the cores run separate batches. A
     * batch the pool has not started within {@link #POOL_START_NANOS} runs on its lane instead.
     */
    public MicroBatcher(String name, int maxBatch, long maxWaitNanos, int queueCapacity, Runner<I, O> runner,
                        Metrics.Histogram batchSizes, int lanes, boolean inPool) {
        if (maxBatch < 1 || queueCapacity < 1 || maxWaitNanos < 0 || lanes < 1) {
            throw new IllegalArgumentException("max batch " + maxBatch + ", queue " + queueCapacity + ", max wait "
                    + maxWaitNanos + " ns, lanes " + lanes + ": expected >= 1, >= 1, >= 0, >= 1");
        }
        this.name = name;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitNanos;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.runner = runner;
        this.batchSizes = batchSizes;
        this.inPool = inPool;
        this.lanes = new Thread[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new Thread(this::loop, "lanegrad-batcher-" + name + (lanes > 1 ? "-" + i : ""));
            this.lanes[i].setDaemon(true);
            this.lanes[i].start();
        }
    }

    /** Queues a job; the future completes with its result. A full queue or a closing batcher throws {@link ApiError}. */
    public CompletableFuture<O> submit(I input) {
        if (closing) {
            throw new ApiError(UNAVAILABLE, "the server is shutting down");
        }
        Job<I, O> job = new Job<>(input, new CompletableFuture<>(), System.nanoTime());
        if (!queue.offer(job)) {
            throw new ApiError(OVERLOADED, "the " + name + " queue is full (" + queue.size() + " waiting); retry shortly");
        }
        // close() may have begun meanwhile: a job the worker has not taken is withdrawn, never stranded
        if (closing && queue.remove(job)) {
            throw new ApiError(UNAVAILABLE, "the server is shutting down");
        }
        return job.result;
    }

    /** Jobs waiting now. */
    public int depth() {
        return queue.size();
    }

    private void loop() {
        if (inPool) {
            loop(null);
            return;
        }
        try (BatchScratch scratch = BatchScratch.open()) {
            loop(scratch);
        }
    }

    /** scratch: this thread's, or null when the batches run in the engine pool (each worker keeps its own). */
    private void loop(BatchScratch scratch) {
        List<Job<I, O>> batch = new ArrayList<>(maxBatch);
        List<I> inputs = new ArrayList<>(maxBatch);
        while (true) {
            try {
                Job<I, O> first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                // with lanes, a batch waits for company only while another lane runs one: when all are idle, the
                // cores are free and waiting would only add the window to a lone request's latency
                boolean othersIdle = lanes.length > 1 && running.get() == 0;
                long deadline = first.arrivedNanos + maxWaitNanos;
                while (batch.size() < maxBatch && !closing && !othersIdle) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Job<I, O> next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                running.incrementAndGet();
                try {
                    if (scratch != null) {
                        run(batch, inputs);
                    } else {
                        runInPoolAndWait(batch, inputs);
                    }
                } finally {
                    running.decrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
                inputs.clear();
                if (scratch != null) {
                    scratch.reset();
                }
            }
        }
    }

    /**
     * How long a lane waits for the engine pool to start its batch before it claims the batch and runs it
     * itself. A healthy pool starts it within microseconds (a worker per lane); JDK 17's pool has a known
     * bug that can stop it running tasks (JDK-8330017, fixed in 17.0.17), and waiting on it unconditionally
     * would hang the server (docs/kernels.md, "A split product never waits for a pool task").
     */
    static final long POOL_START_NANOS = 50_000_000L;

    private void runInPoolAndWait(List<Job<I, O>> batch, List<I> inputs) {
        AtomicBoolean claimed = new AtomicBoolean();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            EngineThreads.pool().execute(() -> {
                if (claimed.compareAndSet(false, true)) {
                    runAndComplete(batch, inputs, done);
                }
            });
        } catch (RejectedExecutionException replaced) {
            // setThreads replaced the pool meanwhile: the lane claims the batch below
        }
        try {
            done.get(POOL_START_NANOS, TimeUnit.NANOSECONDS);
            return;
        } catch (TimeoutException notYet) {
            if (claimed.compareAndSet(false, true)) {
                runAndComplete(batch, inputs, done); // the pool did not start it: this lane runs it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException failed) {
            // answered below
        }
        try {
            done.join();
        } catch (RuntimeException e) {
            for (Job<I, O> j : batch) {
                j.result.completeExceptionally(e); // run() answers every job; this is for a failure around it
            }
        }
    }

    private void runAndComplete(List<Job<I, O>> batch, List<I> inputs, CompletableFuture<Void> done) {
        try {
            runInPool(batch, inputs);
            done.complete(null);
        } catch (RuntimeException | Error e) {
            done.completeExceptionally(e);
        }
    }

    /** On an engine worker: the batch with that worker's scratch (kept by the worker from batch to batch). */
    private void runInPool(List<Job<I, O>> batch, List<I> inputs) {
        BatchScratch scratch = BatchScratch.ofThisThread();
        try {
            run(batch, inputs);
        } finally {
            scratch.reset();
        }
    }

    private void run(List<Job<I, O>> batch, List<I> inputs) {
        for (Job<I, O> j : batch) {
            inputs.add(j.input);
        }
        if (batchSizes != null) {
            batchSizes.observe(batch.size());
        }
        try {
            List<O> out = runner.apply(List.copyOf(inputs));
            if (out.size() != batch.size()) {
                throw new IllegalStateException(name + ": a batch of " + batch.size() + " gave " + out.size() + " results");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result.complete(out.get(i));
            }
        } catch (RuntimeException | Error e) {
            for (Job<I, O> j : batch) {
                j.result.completeExceptionally(e);
            }
        }
    }

    /** Refuses new jobs, runs every queued one, and waits up to timeoutMillis for the worker to finish. */
    @Override
    public void close() {
        close(30_000);
    }

    public void close(long timeoutMillis) {
        closing = true;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try {
            for (Thread lane : lanes) {
                lane.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
