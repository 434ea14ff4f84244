package dev.lanegrad.spark.train;

import dev.lanegrad.tasks.forecast.ForecastModel;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The model replicas of this executor JVM, one per concurrently running task (a parameter's gradient lives on
 * the parameter, so two tasks cannot share one), kept from step to step: a step only copies the weights in.
 */
final class Replicas {

    private static final Map<ModelShape, Queue<ForecastModel>> FREE = new ConcurrentHashMap<>();

    private Replicas() {
    }

    static ForecastModel borrow(ModelShape shape) {
        ForecastModel m = FREE.computeIfAbsent(shape, s -> new ConcurrentLinkedQueue<>()).poll();
        return m != null ? m : shape.build();
    }

    static void giveBack(ModelShape shape, ForecastModel m) {
        FREE.get(shape).add(m);
    }
}
