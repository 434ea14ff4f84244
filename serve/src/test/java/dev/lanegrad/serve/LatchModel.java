package dev.lanegrad.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A model whose batches wait until the test lets them go, so a test can hold the batching thread busy
 * and fill the queue behind it. predict {"v": n} -> {"v": n, "batch": rows of the batch it ran in}.
 */
final class LatchModel extends ServedModel {

    final Semaphore entered = new Semaphore(0);
    final CountDownLatch release = new CountDownLatch(1);

    LatchModel(String name) {
        super(name, "test");
    }

    @Override
    protected void details(Map<String, Object> description) {
    }

    @Override
    public Object parsePredict(Map<String, Object> body, int maxSteps) {
        return Inputs.integer(body, "v", 0, 0, 1000);
    }

    @Override
    public List<Map<String, Object>> predictBatch(List<Object> requests) {
        entered.release();
        try {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the batch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object r : requests) {
            out.add(Map.of("v", r, "batch", requests.size()));
        }
        return out;
    }

    /** Waits until a batch has started (the worker holds it). */
    void awaitBatch() throws InterruptedException {
        if (!entered.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no batch started");
        }
    }

    @Override
    public void warmUp() {
    }
}
