package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Six steps of each optimizer against torch.optim's trajectory (make_optimizer_golden.py). */
class OptimizerGoldenTest {

    private static final Map<String, Function<List<Tensor>, Optimizer>> MAKERS = Map.of(
            "sgd", p -> new Sgd(p, 0.1f),
            "sgd_momentum_wd", p -> new Sgd(p, 0.05f, 0.9f, 0.1f, 0.01f, false),
            "sgd_nesterov", p -> new Sgd(p, 0.05f, 0.8f, 0f, 0.001f, true),
            "adam", p -> new Adam(p, 0.01f),
            "adam_wd", p -> new Adam(p, 0.02f, 0.8f, 0.95f, 1e-6f, 0.1f),
            "adamw", p -> new AdamW(p, 0.01f, 0.9f, 0.999f, 1e-8f, 0.05f),
            "rmsprop", p -> new RmsProp(p, 0.01f),
            "rmsprop_centered_momentum", p -> new RmsProp(p, 0.01f, 0.9f, 1e-6f, 0.01f, 0.5f, true));

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "sgd_momentum_wd", "sgd_nesterov", "adam", "adam_wd", "adamw", "rmsprop",
            "rmsprop_centered_momentum"})
    void followsPyTorch(String name) throws IOException {
        Map<String, Object> golden = load();
        List<List<Number>> shapes = (List<List<Number>>) golden.get("shapes");
        List<List<Number>> init = (List<List<Number>>) golden.get("init");
        List<List<List<Number>>> grads = (List<List<List<Number>>>) golden.get("grads");
        List<List<List<Number>>> expected = (List<List<List<Number>>>) ((Map<String, Object>) golden.get("cases")).get(name);

        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            int[] shape = shapes.get(i).stream().mapToInt(Number::intValue).toArray();
            params.add(Tensor.fromArray(floats(init.get(i)), shape).requiresGrad(true));
        }
        Optimizer opt = MAKERS.get(name).apply(params);
        for (int step = 0; step < expected.size(); step++) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                float[] g = floats(grads.get(step).get(i));
                System.arraycopy(g, 0, p.grad(), p.gradOffset(), g.length);
            }
            opt.step();
            for (int i = 0; i < params.size(); i++) {
                float[] want = floats(expected.get(step).get(i));
                float[] got = params.get(i).toArray();
                for (int j = 0; j < want.length; j++) {
                    assertEquals(want[j], got[j], 2e-6f + 2e-5f * Math.abs(want[j]),
                            name + " step " + (step + 1) + " parameter " + i + " element " + j);
                }
            }
        }
    }

    private static float[] floats(List<Number> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i).floatValue();
        }
        return f;
    }

    private static Map<String, Object> load() throws IOException {
        try (InputStream in = OptimizerGoldenTest.class.getResourceAsStream("/optim/optimizers.json")) {
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
