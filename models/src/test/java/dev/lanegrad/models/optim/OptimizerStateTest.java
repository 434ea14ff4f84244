package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** state() / load(state): an optimizer rebuilt from a saved state continues with exactly the same updates. */
class OptimizerStateTest {

    private static final Map<String, Function<List<Tensor>, Optimizer>> MAKERS = Map.of(
            "sgd_momentum", p -> new Sgd(p, 0.05f, 0.9f, 0f, 0.01f, false),
            "adam", p -> new Adam(p, 0.01f),
            "adamw", p -> new AdamW(p, 0.01f),
            "rmsprop_centered_momentum", p -> new RmsProp(p, 0.01f, 0.9f, 1e-6f, 0.01f, 0.5f, true));

    private static List<Tensor> params() {
        return List.of(Tensor.fromArray(new float[] {0.5f, -1f, 2f}, 3).requiresGrad(true),
                Tensor.fromArray(new float[] {0.25f, 1.5f}, 2).requiresGrad(true));
    }

    /** A gradient that depends on the step and the parameter, so every step moves the state. */
    private static void step(Optimizer o, int k) {
        for (Tensor p : o.parameters()) {
            float[] g = p.grad();
            for (int i = 0; i < p.size(); i++) {
                g[p.gradOffset() + i] = (float) Math.sin(k + 3 * i) + p.data()[p.offset() + i];
            }
        }
        o.step();
        o.zeroGrad();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd_momentum", "adam", "adamw", "rmsprop_centered_momentum"})
    void aLoadedStateContinuesTheSameTrajectoryBitForBit(String name) {
        Optimizer whole = MAKERS.get(name).apply(params());
        Optimizer first = MAKERS.get(name).apply(params());
        for (int k = 0; k < 5; k++) {
            step(whole, k);
            step(first, k);
        }
        OptimizerState saved = first.state();
        List<Tensor> copied = params();
        for (int i = 0; i < copied.size(); i++) {
            System.arraycopy(first.parameters().get(i).toArray(), 0, copied.get(i).data(), copied.get(i).offset(),
                    copied.get(i).size());
        }
        Optimizer resumed = MAKERS.get(name).apply(copied);
        resumed.load(saved);
        assertEquals(5, resumed.steps());
        for (int k = 5; k < 10; k++) {
            step(whole, k);
            step(resumed, k);
        }
        for (int i = 0; i < copied.size(); i++) {
            assertArrayEquals(whole.parameters().get(i).toArray(), resumed.parameters().get(i).toArray(), name + " parameter " + i);
        }
    }

    @Test
    void loadingRestoresAdamsMoments() {
        Adam a = new Adam(params(), 0.01f);
        for (int k = 0; k < 3; k++) {
            step(a, k);
        }
        OptimizerState s = a.state();
        assertEquals(List.of("exp_avg.0", "exp_avg.1", "exp_avg_sq.0", "exp_avg_sq.1"), List.copyOf(s.arrays().keySet()));
        Adam b = new Adam(params(), 0.5f);
        b.load(s);
        OptimizerState t = b.state();
        for (String key : s.arrays().keySet()) {
            assertArrayEquals(s.arrays().get(key), t.arrays().get(key), key);
            assertNotSame(s.arrays().get(key), t.arrays().get(key), "state() copies");
        }
        assertTrue(s.arrays().get("exp_avg_sq.0")[0] > 0f, "the moments were moved by the steps");
        assertEquals(3, b.steps());
        assertEquals(0.01f, b.learningRate());
    }

    @Test
    void aStateOfAnotherOptimizerOrShapeIsRefusedByName() {
        Adam a = new Adam(params(), 0.01f);
        step(a, 0);
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> new AdamW(params(), 0.01f).load(a.state()));
        assertEquals("optimizer state of a Adam, expected a AdamW's", type.getMessage());
        List<Tensor> other = List.of(Tensor.zeros(4).requiresGrad(true), Tensor.zeros(2).requiresGrad(true));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> new Adam(other, 0.01f).load(a.state()));
        assertEquals("optimizer state 'exp_avg.0' has 3 values, expected 4 (the size of parameter 0)", shape.getMessage());
    }
}
