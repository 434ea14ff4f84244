package dev.lanegrad.tasks;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Linear;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The canonical order of a sharded gradient: its tree's shape, K = 1 as the plain backward, K > 1 close to it. */
class GradientShardsTest {

    @Test
    void theTreeAddsPairsLevelByLevelLeftPlusRight() {
        // values chosen so that another association gives other bits: 1e8 + 1 + -1e8 + 1
        float[][] four = {{1e8f}, {1f}, {-1e8f}, {1f}};
        assertEquals((1e8f + 1f) + (-1e8f + 1f), GradientShards.treeSum(four, 4)[0]);
        float[][] three = {{1e8f}, {1f}, {-1e8f}};
        assertEquals((1e8f + 1f) + -1e8f, GradientShards.treeSum(three, 3)[0]);
        float[][] five = {{1f}, {2f}, {3f}, {4f}, {5f}};
        assertEquals(((1f + 2f) + (3f + 4f)) + 5f, GradientShards.treeSum(five, 5)[0]);
        double[] losses = {0.1, 0.2, 0.3};
        assertEquals((0.1 + 0.2) + 0.3, GradientShards.treeSum(losses, 3));
    }

    @Test
    void oneShardIsThePlainBackwardBitForBitAndMoreShardsAreCloseToIt() {
        Linear model = new Linear(3, 2, true, 11L);
        float[] x = new float[8 * 3];
        float[] y = new float[8 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.7);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) Math.cos(i * 0.3);
        }
        float[] plain;
        float plainLoss;
        try (Tape tape = new Tape()) {
            model.zeroGrad();
            Tensor l = loss(model, x, y, 0, 8);
            plainLoss = l.item();
            tape.backward(l);
            plain = flat(model);
        }
        for (int k : new int[] {1, 2, 4}) {
            int b = 8 / k;
            GradientShards shards = new GradientShards(model.parameters(), k);
            try (Tape tape = new Tape()) {
                double mean = shards.compute(tape, s -> loss(model, x, y, s * b, b));
                assertEquals(k, shards.shards());
                assertEquals(plainLoss, mean, 1e-6, "the batch's mean loss with " + k + " shards");
            }
            float[] g = flat(model);
            if (k == 1) {
                assertArrayEquals(plain, g, "one shard: the plain gradient, bit for bit");
            } else {
                for (int i = 0; i < g.length; i++) {
                    assertEquals(plain[i], g[i], 1e-6f, "element " + i + " with " + k + " shards");
                }
            }
        }
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new GradientShards(new Linear(1, 1, false, 1L).parameters(), 0));
        assertThrows(IllegalArgumentException.class, () -> GradientShards.add(new float[2], new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> GradientShards.setGradients(new Linear(1, 1, false, 1L).parameters(), new float[5]));
    }

    private static Tensor loss(Linear model, float[] x, float[] y, int from, int rows) {
        Tensor in = Tensor.fromArray(Arrays.copyOfRange(x, from * 3, (from + rows) * 3), rows, 3);
        Tensor target = Tensor.fromArray(Arrays.copyOfRange(y, from * 2, (from + rows) * 2), rows, 2);
        return Ops.mseLoss(model.forward(in), target);
    }

    private static float[] flat(Linear model) {
        float[] g = new float[GradientShards.size(model.parameters())];
        GradientShards.gradientInto(model.parameters(), 1f, g);
        return g;
    }
}
