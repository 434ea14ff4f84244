package dev.lanegrad.tasks.parity;

import dev.lanegrad.io.ParityCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every recurrent golden file of shared/parity through the parity runner: outputs, final states,
 * the loss and every gradient within 1e-5 + 1e-4 |ref|.
 */
class RnnParityTest {

    static List<String> cases() {
        List<String> names = new ArrayList<>();
        for (String module : new String[] {"rnn_tanh", "rnn_relu", "lstm", "gru"}) {
            for (String shape : new String[] {"L1", "L2", "bi_L1", "bi_L2"}) {
                for (String dtype : new String[] {"f64", "f32"}) {
                    names.add(module + "_" + shape + "_" + dtype + ".json");
                }
            }
        }
        return names;
    }

    static ParityCase read(String file) throws Exception {
        return ParityCase.read(ParityRunnerTest.resource("/parity/" + file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String file) throws Exception {
        CaseResult r = new ParityRunner().run(read(file));
        assertTrue(r.passed(), () -> file + ": " + r.failure());
        assertTrue(r.count() > 0, file + ": nothing compared");
    }
}
