package dev.lanegrad.engine;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static dev.lanegrad.engine.KernelTestSupport.assertClose;
import static dev.lanegrad.engine.KernelTestSupport.tol;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused LSTM inference step equals the unfused one on the same engine (the prepacked products, two
 * bias adds, lstmForward) for every row: bit for bit in the deterministic mode, where the activations are
 * pure IEEE arithmetic whether compiled or not; otherwise within 2e-6 (1 + |value|), since the JDK's lanewise
 * exp may round an ulp differently before and after C2 compiles it. Rows around the register tile (4 or 6)
 * and the 96-row chunk, hidden sizes of 16 to 256 (multiples of every lane count), inputs up to the k block,
 * with and without biases, at offsets, with NaN beside every output so a write outside it shows.
 */
class GemmLstmStepProperties {

    private static final KernelProvider V = KernelTestSupport.VECTOR;
    private static final FusedLstmStep FUSED = (FusedLstmStep) V.gemm();
    private static final PrepackedGemm PACKED = (PrepackedGemm) V.gemm();
    private static final boolean EXACT = Boolean.getBoolean("lanegrad.deterministic");

    @Provide
    Arbitrary<Integer> rows() {
        return Arbitraries.of(1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 20, 31, 32, 64, 95, 96, 97, 130, 200);
    }

    @Provide
    Arbitrary<Integer> hidden() {
        return Arbitraries.of(16, 32, 48, 64, 80, 128, 256);
    }

    @Provide
    Arbitrary<Integer> inputs() {
        return Arbitraries.of(1, 3, 16, 37, 100, 128, 256);
    }

    @Property(tries = 60)
    void fusedEqualsUnfused(@ForAll("rows") int rows, @ForAll("inputs") int In, @ForAll("hidden") int H,
                            @ForAll boolean biases, @ForAll @IntRange(max = 7) int off, @ForAll long seed) {
        Random r = new Random(seed);
        float[] wih = gaussian(r, 4 * H * In, 0.3f);
        float[] whh = gaussian(r, 4 * H * H, 0.2f);
        float[] bih = biases ? gaussian(r, 4 * H, 1f) : null;
        float[] bhh = biases ? gaussian(r, 4 * H, 1f) : null;
        float[] x = gaussian(r, off + rows * In, 1f);
        float[] hPrev = gaussian(r, off + rows * H, 1f);
        float[] cPrev = gaussian(r, off + rows * H, 2f);
        // a few saturated pre-activations
        x[off] = 300f;
        hPrev[off + rows * H - 1] = -300f;

        // unfused: x W_ih^T stored, + b_ih, + b_hh, + hPrev W_hh^T, then the fused pointwise kernel
        float[] gates = new float[rows * 4 * H];
        float[] pih = new float[PACKED.packedSize(In, 4 * H)];
        float[] phh = new float[PACKED.packedSize(H, 4 * H)];
        PACKED.pack(true, In, 4 * H, wih, 0, In, pih, 0);
        PACKED.pack(true, H, 4 * H, whh, 0, H, phh, 0);
        PACKED.multiply(rows, 4 * H, In, 1f, x, off, In, pih, 0, 0f, gates, 0, 4 * H);
        if (biases) {
            V.ops().addRowBias(gates, 0, rows, 4 * H, 4 * H, bih, 0);
            V.ops().addRowBias(gates, 0, rows, 4 * H, 4 * H, bhh, 0);
        }
        PACKED.multiply(rows, 4 * H, H, 1f, hPrev, off, H, phh, 0, 1f, gates, 0, 4 * H);
        float[] cExpected = new float[rows * H];
        float[] hExpected = new float[rows * H];
        V.recurrent().lstmForward(rows, H, gates, 0, cPrev, off, H, cExpected, 0, H, hExpected, 0, H);

        assertTrue(FUSED.fusesLstm(In, H), In + ", " + H);
        float[] fih = new float[1 + FUSED.lstmPackedSize(In, H)];
        float[] fhh = new float[2 + FUSED.lstmPackedSize(H, H)];
        FUSED.packLstm(In, H, wih, 0, fih, 1);
        FUSED.packLstm(H, H, whh, 0, fhh, 2);
        float[] c = nans(off + rows * H + 3);
        float[] h = nans(off + 1 + rows * H + 3);
        FUSED.lstmStep(rows, In, H, x, off, hPrev, off, fih, 1, fhh, 2, bih, 0, bhh, 0, cPrev, off, h, off + 1, c, off);

        assertOutput("c", cExpected, c, off);
        assertOutput("h", hExpected, h, off + 1);
    }

    /** One packing serves many steps, each reading the state the previous one wrote (an inference loop). */
    @Example
    void stepsChain() {
        Random r = new Random(3);
        int rows = 70, In = 128, H = 64;
        float[] wih = gaussian(r, 4 * H * In, 0.2f);
        float[] whh = gaussian(r, 4 * H * H, 0.2f);
        float[] bih = gaussian(r, 4 * H, 0.5f);
        float[] bhh = gaussian(r, 4 * H, 0.5f);
        float[] fih = new float[FUSED.lstmPackedSize(In, H)];
        float[] fhh = new float[FUSED.lstmPackedSize(H, H)];
        FUSED.packLstm(In, H, wih, 0, fih, 0);
        FUSED.packLstm(H, H, whh, 0, fhh, 0);
        float[] pih = new float[PACKED.packedSize(In, 4 * H)];
        float[] phh = new float[PACKED.packedSize(H, 4 * H)];
        PACKED.pack(true, In, 4 * H, wih, 0, In, pih, 0);
        PACKED.pack(true, H, 4 * H, whh, 0, H, phh, 0);
        float[][] h = {new float[rows * H], new float[rows * H]};
        float[][] c = {new float[rows * H], new float[rows * H]};
        float[][] he = {new float[rows * H], new float[rows * H]};
        float[][] ce = {new float[rows * H], new float[rows * H]};
        float[] gates = new float[rows * 4 * H];
        for (int t = 0; t < 5; t++) {
            float[] x = gaussian(r, rows * In, 1f);
            int a = t & 1, b = a ^ 1;
            FUSED.lstmStep(rows, In, H, x, 0, h[a], 0, fih, 0, fhh, 0, bih, 0, bhh, 0, c[a], 0, h[b], 0, c[b], 0);
            PACKED.multiply(rows, 4 * H, In, 1f, x, 0, In, pih, 0, 0f, gates, 0, 4 * H);
            V.ops().addRowBias(gates, 0, rows, 4 * H, 4 * H, bih, 0);
            V.ops().addRowBias(gates, 0, rows, 4 * H, 4 * H, bhh, 0);
            PACKED.multiply(rows, 4 * H, H, 1f, he[a], 0, H, phh, 0, 1f, gates, 0, 4 * H);
            V.recurrent().lstmForward(rows, H, gates, 0, ce[a], 0, H, ce[b], 0, H, he[b], 0, H);
            assertOutput("c after step " + t, ce[b], c[b], 0);
            assertOutput("h after step " + t, he[b], h[b], 0);
        }
    }

    /** The shapes it does not fuse say so, and the step names a bad argument before touching anything. */
    @Example
    void refusesWhatItCannotRun() {
        assertFalse(FUSED.fusesLstm(16, 257), "a hidden size that is no multiple of any lane count");
        assertFalse(FUSED.fusesLstm(257, 16), "an input deeper than one k block");
        assertFalse(FUSED.fusesLstm(16, 512), "a hidden size deeper than one k block");
        assertFalse(FUSED.fusesLstm(0, 16));
        float[] packed = new float[FUSED.lstmPackedSize(16, 16)];
        float[] state = new float[2 * 16];
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> FUSED.lstmStep(2, 16, 17,
                new float[32], 0, state, 0, packed, 0, packed, 0, null, 0, null, 0, state, 0, state, 0, state, 0));
        assertTrue(shape.getMessage().contains("hidden size 17"), shape.getMessage());
        float[] c = new float[2 * 16];
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> FUSED.lstmStep(2, 16, 16,
                new float[31], 0, state, 0, packed, 0, packed, 0, null, 0, null, 0, state, 0, state, 0, c, 0));
        assertTrue(small.getMessage().contains("x"), small.getMessage());
        IllegalArgumentException oneBias = assertThrows(IllegalArgumentException.class, () -> FUSED.lstmStep(2, 16, 16,
                new float[32], 0, state, 0, packed, 0, packed, 0, new float[64], 0, null, 0, state, 0, state, 0, c, 0));
        assertTrue(oneBias.getMessage().contains("bih and bhh"), oneBias.getMessage());
        assertEquals(0f, c[0], "nothing written before the arguments were checked");
        assertThrows(IllegalArgumentException.class, () -> FUSED.packLstm(16, 16, new float[64 * 16 - 1], 0, packed, 0));
        IllegalArgumentException deep = assertThrows(IllegalArgumentException.class,
                () -> FUSED.packLstm(257, 16, new float[64 * 257], 0, new float[64 * 257], 0));
        assertTrue(deep.getMessage().contains("depth 257"), deep.getMessage());
    }

    private static void assertOutput(String what, float[] expected, float[] actual, int off) {
        for (int i = 0; i < off; i++) {
            assertTrue(Float.isNaN(actual[i]), what + ": written before its first row, at " + i);
        }
        for (int i = off + expected.length; i < actual.length; i++) {
            assertTrue(Float.isNaN(actual[i]), what + ": written past its last row, at " + i);
        }
        float[] a = Arrays.copyOfRange(actual, off, off + expected.length);
        assertClose(what, expected, a, 0, expected.length, EXACT ? tol(0, 0) : tol(2e-6, 2e-6));
    }

    private static float[] gaussian(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * scale;
        }
        return a;
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }
}
