package dev.lanegrad.io;

import dev.lanegrad.io.TorchArchive.Pickle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchFileTest {

    @TempDir
    Path dir;

    static Path fixture(String name) {
        return Fixtures.path("/torch/" + name);
    }

    /** Views sharing one storage (a row, a column, a transpose, a block, a 0-d element), protocols 2 and 4. */
    @ParameterizedTest
    @ValueSource(strings = {"views", "views_proto4"})
    void stridedViewsOfSharedStoragesReadAsPyTorchSeesThem(String name) throws IOException {
        Checkpoint c = TorchFile.read(fixture(name + ".pt"));
        ParityCase expected = ParityCase.read(fixture(name + ".json"));
        assertEquals(List.copyOf(expected.tensors().keySet()), List.copyOf(c.tensors().keySet()));
        for (String tensor : expected.tensors().keySet()) {
            NamedTensor got = c.get(tensor);
            assertArrayEquals(expected.shape(tensor), got.shape(), tensor);
            assertArrayEquals(expected.floats(tensor), got.data(), tensor); // copies: exact
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm_L2", "gru_L2_f16", "rnn_tanh_L2_bf16", "lstm_L2_f64"})
    void modelStateDictsReadWithTheirNamesAndShapes(String name) throws IOException {
        Checkpoint c = TorchFile.read(fixture(name + ".pt"));
        String kind = ParityCase.read(fixture(name + ".json")).string("kind");
        int gates = Map.of("rnn", 1, "lstm", 4, "gru", 3).get(kind);
        assertArrayEquals(new int[] {gates * 5, 3}, c.get(kind + ".weight_ih_l0").shape());
        assertArrayEquals(new int[] {gates * 5, 5}, c.get(kind + ".weight_hh_l1").shape());
        assertArrayEquals(new int[] {2, 5}, c.get("fc.weight").shape());
        assertEquals(10, c.tensors().size());
        assertTrue(CheckpointFiles.read(fixture(name + ".pt")).has("fc.bias"), "picked by content");
    }

    @Test
    void aWholePickledModelIsRefusedNamingItsClass() {
        TorchFileException e = assertThrows(TorchFileException.class, () -> TorchFile.read(fixture("whole_model.pt")));
        assertTrue(e.getMessage().contains("global __main__.Net is refused"), e.getMessage());
        assertTrue(e.getMessage().contains("model.state_dict()"), e.getMessage());
    }

    @Test
    void aHandWrittenStateDictWithATransposedView() throws IOException {
        byte[] storage = floatBytes(1, 2, 3, 4, 5, 6); // [[1, 2, 3], [4, 5, 6]]
        Path f = TorchArchive.of(Pickle.oneTensor(6, 0, new int[] {3, 2}, new int[] {1, 3}), Map.of("0", storage))
                .write(dir, "t.pt");
        NamedTensor w = TorchFile.read(f).get("w");
        assertArrayEquals(new int[] {3, 2}, w.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, w.data());
    }

    // ---- refused: code, objects, and sizes that do not fit ----

    static String refusal(byte[] pickle, Map<String, byte[]> storages, Path dir) throws IOException {
        Path f = TorchArchive.of(pickle, storages).write(dir, "hostile.pt");
        return assertThrows(TorchFileException.class, () -> TorchFile.read(f)).getMessage();
    }

    @Test
    void globalsOutsideTheAllowListAreRefusedByName() throws IOException {
        byte[] osSystem = new Pickle().proto().global("os", "system").str("touch /tmp/pwned").op(0x85, 'R', '.').bytes();
        assertTrue(refusal(osSystem, Map.of(), dir).contains("global os.system is refused"));
        byte[] eval = new Pickle().proto().global("builtins", "eval").bytes();
        assertTrue(refusal(eval, Map.of(), dir).contains("global builtins.eval is refused"));
        byte[] stackGlobal = new Pickle().op(0x80, 4).op(0x8c, 2).op('o', 's').op(0x8c, 6).op("system".chars().toArray())
                .op(0x93).bytes();
        assertTrue(refusal(stackGlobal, Map.of(), dir).contains("global os.system is refused"));
        byte[] intStorage = new Pickle().proto().global("torch", "LongStorage").bytes();
        assertTrue(refusal(intStorage, Map.of(), dir).contains("lanegrad loads FloatStorage"));
    }

    @Test
    void reduceBuildAndObjectOpcodesAreRefused() throws IOException {
        byte[] callStorage = new Pickle().proto().global("torch", "FloatStorage").op(')', 'R').bytes();
        assertTrue(refusal(callStorage, Map.of(), dir).contains("REDUCE of torch.FloatStorage is not allowed"));
        byte[] callString = new Pickle().proto().str("os.system").op(')', 'R').bytes();
        assertTrue(refusal(callString, Map.of(), dir).contains("REDUCE of the string \"os.system\""));
        byte[] buildTuple = new Pickle().proto().op(')').op('}').op('b').bytes();
        assertTrue(refusal(buildTuple, Map.of(), dir).contains("BUILD on a tuple of 0"));
        for (int[] op : new int[][] {{'i'}, {'o'}, {0x81}, {0x92}, {']'}, {'P'}, {0x82, 1}}) {
            String m = refusal(new Pickle().proto().op(op).bytes(), Map.of(), dir);
            assertTrue(m.contains("is not allowed in a state_dict pickle"), m);
        }
    }

    @Test
    void claimedSizesAreCheckedBeforeAllocating() throws IOException {
        // a storage claiming 2^31 - 1 floats (8 GB) backed by 24 bytes
        String huge = refusal(Pickle.oneTensor(Integer.MAX_VALUE, 0, new int[] {2, 3}, new int[] {3, 1}),
                Map.of("0", floatBytes(1, 2, 3, 4, 5, 6)), dir);
        assertTrue(huge.contains("claims 2147483647 F32 elements (8589934588 bytes), but its record archive/data/0 has 24 bytes"),
                huge);
        String outside = refusal(Pickle.oneTensor(6, 4, new int[] {2, 3}, new int[] {3, 1}), Map.of("0", floatBytes(1, 2, 3, 4, 5, 6)),
                dir);
        assertTrue(outside.contains("reaches element 9 of a storage of 6"), outside);
        String missing = refusal(Pickle.oneTensor(6, 0, new int[] {2, 3}, new int[] {3, 1}), Map.of(), dir);
        assertTrue(missing.contains("record \"archive/data/0\" missing"), missing);
        byte[] longString = new Pickle().proto().op('X', 0xff, 0xff, 0xff, 0x7f).bytes();
        assertTrue(refusal(longString, Map.of(), dir).contains("a string of 2147483647 bytes, but only 0 bytes remain"));
    }

    @Test
    void deepNestingAndCyclesNeverRecurse() throws IOException {
        Pickle tuples = new Pickle().proto().op(')');
        for (int i = 0; i < 200_000; i++) {
            tuples.op(0x85); // ((((),),),)...
        }
        assertTrue(refusal(tuples.op('.').bytes(), Map.of(), dir).contains("the pickle holds a tuple of 1"));
        Pickle marks = new Pickle().proto();
        for (int i = 0; i <= TorchUnpickler.MAX_STACK; i++) {
            marks.op('(');
        }
        assertTrue(refusal(marks.bytes(), Map.of(), dir).contains("more than " + TorchUnpickler.MAX_STACK + " open marks"));
        // a dict that contains itself
        byte[] cycle = new Pickle().proto().op('}', 'q', 0).str("a").op('h', 0, 's', '.').bytes();
        assertTrue(refusal(cycle, Map.of(), dir).contains("entry \"a\" is a dict, expected a tensor"));
    }

    @Test
    void notAnArchiveAndTheLegacyFormatAreNamed() throws IOException {
        Path legacy = Files.write(dir.resolve("legacy.pt"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        String m = assertThrows(TorchFileException.class, () -> TorchFile.read(legacy)).getMessage();
        assertTrue(m.contains("legacy pickle format of PyTorch < 1.6"), m);
        Path safetensors = TorchFileTest.fixture("views.json");
        assertFalse(TorchFile.looksLikeTorchFile(safetensors));
        Path noPickle = new TorchArchive().record("archive/version", new byte[] {'3'}).write(dir, "empty.pt");
        assertTrue(assertThrows(TorchFileException.class, () -> TorchFile.read(noPickle)).getMessage()
                .contains("without <name>/data.pkl"));
    }

    static byte[] floatBytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
