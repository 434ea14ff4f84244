package dev.lanegrad.autograd;

import dev.lanegrad.autograd.testing.SquareOp;
import org.junit.jupiter.api.Test;

import static dev.lanegrad.autograd.testing.TensorArbitraries.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradCheckTest {

    /** y = x^2 with a backward that is wrong by a factor 1.05 on every element but the first. */
    static final class SlightlyWrongSquare extends SquareOp {
        SlightlyWrongSquare() {
            super("slightlyWrongSquare");
        }

        @Override
        protected float derivativeFactor(int i) {
            return i == 0 ? 2f : 2.1f;
        }
    }

    @Test
    void aWrongGradientFailsBothModesWithAReadableReport() {
        Tensor x = tensor(4, 0.5f, 2f, 2, 3).named("x");
        for (GradCheck mode : new GradCheck[] {GradCheck.fast(), GradCheck.full()}) {
            GradCheckReport report = mode.check(in -> new SlightlyWrongSquare().apply(in)[0], x);
            assertFalse(report.passed(), report.toString());
            String text = report.toString();
            assertTrue(text.contains("FAILED") && text.contains("'x'") && text.contains("[2, 3]"), text);
            AssertionError e = assertThrows(AssertionError.class, report::assertPassed);
            assertEquals(text, e.getMessage());
        }
        GradCheckReport full = GradCheck.full().check(in -> new SlightlyWrongSquare().apply(in)[0], x);
        // the first element's gradient is right, so the worst one is elsewhere
        assertFalse(full.inputs().get(0).where().equals("[0, 0]"), full.toString());
    }

    @Test
    void aCorrectGradientPassesWithSmallErrorsAndRestoresInputsAndGradients() {
        Tensor w = tensor(7, -1f, 1f, 4, 3).named("w");
        Tensor x = tensor(8, -1f, 1f, 5, 3).requiresGrad(false);
        float[] before = w.toArray();
        w.grad()[w.gradOffset()] = 42f;
        GradCheckReport report = GradCheck.full().check(in -> Ops.tanh(Ops.matmul(in[1], in[0], false, true)), w, x);
        report.assertPassed();
        assertEquals(1, report.inputs().size(), "only inputs requiring a gradient are checked");
        assertTrue(report.maxAbsError() < 1e-4, report.toString());
        assertArrayEquals(before, w.toArray());
        assertEquals(42f, w.grad()[w.gradOffset()]);
        assertEquals(0f, w.grad()[w.gradOffset() + 1]);
    }

    @Test
    void noInputRequiringAGradientIsAnError() {
        Tensor x = Tensor.ones(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.fast().check(in -> Ops.tanh(in[0]), x));
        assertTrue(e.getMessage().contains("requiresGrad(true)"), e.getMessage());
    }
}
