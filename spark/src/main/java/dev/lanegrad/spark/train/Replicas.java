package dev.lanegrad.spark.train;

import dev.lanegrad.models.nn.Module;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The model replicas of this executor JVM, one per concurrently running task (a parameter's gradient lives on
 * the parameter, so two tasks cannot share one), kept from step to step under their {@link ShardModel}: a step
 * only copies the weights in.
 */
final class Replicas {

    private static final Map<ShardModel<?, ?>, Queue<Module>> FREE = new ConcurrentHashMap<>();

    private Replicas() {
    }

    static Module borrow(ShardModel<?, ?> model) {
        Module m = FREE.computeIfAbsent(model, s -> new ConcurrentLinkedQueue<>()).poll();
        return m != null ? m : model.build();
    }

    static void giveBack(ShardModel<?, ?> model, Module m) {
        FREE.get(model).add(m);
    }
}
