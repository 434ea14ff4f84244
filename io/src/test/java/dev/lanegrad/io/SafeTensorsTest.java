package dev.lanegrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SafeTensorsTest {

    @TempDir
    Path dir;

    static Path resource(String name) {
        return Fixtures.path("/safetensors/" + name);
    }

    static void assertBitsEqual(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " got " + actual[i]);
            }
        }
    }

    // ------------------------------------------------------------------------ PyTorch fixtures

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn_relu", "linear", "embedding"})
    void pytorchStateDictLoadsBitExactly(String name) throws IOException {
        Checkpoint ckpt = SafeTensors.read(resource(name + ".safetensors"));
        ParityCase side = ParityCase.read(resource(name + ".json"));
        @SuppressWarnings("unchecked")
        List<String> stateDict = (List<String>) side.field("state_dict");
        assertEquals(new TreeSet<>(stateDict), new TreeSet<>(ckpt.tensors().keySet()));
        for (String tensor : stateDict) {
            NamedTensor t = ckpt.get(tensor);
            assertArrayEquals(side.shape(tensor), t.shape(), tensor);
            assertBitsEqual(name + "." + tensor, side.floats(tensor), t.data());
        }
        Object metadata = side.field("metadata");
        assertEquals(metadata == null ? Map.of() : metadata, ckpt.metadata());
    }

    @Test
    void lstmFixtureHasPytorchNamesAndShapes() throws IOException {
        Checkpoint ckpt = SafeTensors.read(resource("lstm.safetensors"));
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (int layer = 0; layer < 2; layer++) {
            int in = layer == 0 ? 3 : 8;
            for (String dir : new String[] {"", "_reverse"}) {
                expected.put("weight_ih_l" + layer + dir, new int[] {16, in});
                expected.put("weight_hh_l" + layer + dir, new int[] {16, 4});
                expected.put("bias_ih_l" + layer + dir, new int[] {16});
                expected.put("bias_hh_l" + layer + dir, new int[] {16});
            }
        }
        ckpt.check(expected, true);
        assertEquals(16, ckpt.tensors().size());
        // file order = safetensors' order (by name), so the first is bias_hh_l0
        assertEquals("bias_hh_l0", ckpt.tensors().keySet().iterator().next());
    }

    @Test
    void sideFilesHoldPytorchOutputsOfTheStoredWeights() throws IOException {
        // Embedding: y = weight[x], a pure gather, so bit-exact
        Checkpoint emb = SafeTensors.read(resource("embedding.safetensors"));
        ParityCase e = ParityCase.read(resource("embedding.json"));
        float[] w = emb.require("weight", 7, 3).data();
        int[] x = e.ints("x");
        float[] y = e.floats("y");
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(Float.floatToRawIntBits(w[x[i] * 3 + j]), Float.floatToRawIntBits(y[i * 3 + j]));
            }
        }
        // Linear: y = x W^T + b, to float32 rounding
        Checkpoint lin = SafeTensors.read(resource("linear.safetensors"));
        ParityCase l = ParityCase.read(resource("linear.json"));
        float[] weight = lin.require("weight", 5, 4).data();
        float[] bias = lin.require("bias", 5).data();
        float[] in = l.floats("x");
        float[] out = l.floats("y");
        for (int r = 0; r < 3; r++) {
            for (int o = 0; o < 5; o++) {
                double acc = bias[o];
                for (int k = 0; k < 4; k++) {
                    acc += (double) in[r * 4 + k] * weight[o * 4 + k];
                }
                assertEquals(acc, out[r * 5 + o], 1e-6);
            }
        }
    }

    @Test
    void otherFloatDtypesAreConvertedLikePytorchDoes() throws IOException {
        SafeTensors.Header header = SafeTensors.readHeader(resource("mixed_dtypes.safetensors"));
        assertEquals(List.of(Dtype.F64, Dtype.F32, Dtype.BF16, Dtype.F16),
                header.tensors().stream().map(SafeTensors.TensorInfo::dtype).collect(Collectors.toList()));
        Checkpoint ckpt = SafeTensors.read(resource("mixed_dtypes.safetensors"));
        ParityCase side = ParityCase.read(resource("mixed_dtypes.json"));
        for (String name : List.of("a_double", "b_half", "c_bfloat", "d_float")) {
            assertArrayEquals(side.shape(name), ckpt.get(name).shape());
            assertBitsEqual(name, side.floats(name), ckpt.get(name).data());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn_relu", "linear", "embedding"})
    void ourWriterProducesTheSameBytesAsSafetensors(String name) throws IOException {
        Checkpoint ckpt = SafeTensors.read(resource(name + ".safetensors"));
        Path out = dir.resolve(name + ".safetensors");
        SafeTensors.write(out, ckpt);
        assertArrayEquals(Files.readAllBytes(resource(name + ".safetensors")), Files.readAllBytes(out));
    }

    @Test
    void halfToFloatIsExactForAllHalves() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int sign = bits >>> 15;
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            float got = SafeTensors.halfToFloat((short) bits);
            if (exponent == 0x1f) {
                assertTrue(mantissa == 0 ? Float.isInfinite(got) : Float.isNaN(got), Integer.toHexString(bits));
                assertEquals(sign == 1, Float.floatToRawIntBits(got) < 0);
                continue;
            }
            double magnitude = exponent == 0 ? mantissa * Math.pow(2, -24) : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            float expected = (float) (sign == 1 ? -magnitude : magnitude);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got), Integer.toHexString(bits));
        }
    }

    // ------------------------------------------------------------------------------ round trip

    @Test
    void roundTripKeepsEveryBitAndTheMetadata() throws IOException {
        float[] special = {Float.NaN, Float.intBitsToFloat(0x7fa00001), -0.0f, 0.0f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, 1e-40f, -3.25f};
        List<NamedTensor> tensors = List.of(
                new NamedTensor("weight_ih_l0", new int[] {2, 5}, special),
                new NamedTensor("scalar", new int[] {}, new float[] {42f}),
                new NamedTensor("empty", new int[] {0, 3}, new float[0]),
                new NamedTensor("ünïcode \"name\"", new int[] {3}, new float[] {1, 2, 3}));
        Map<String, String> metadata = Map.of("config", "{\"hidden\": 4,\n\"cell\": \"lstm\"}", "zeta", "ω");
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, tensors, metadata);
        Checkpoint back = SafeTensors.read(file);
        assertEquals(metadata, back.metadata());
        assertEquals(tensors.size(), back.tensors().size());
        for (NamedTensor t : tensors) {
            assertArrayEquals(t.shape(), back.get(t.name()).shape());
            assertBitsEqual(t.name(), t.data(), back.get(t.name()).data());
        }
        SafeTensors.Header header = SafeTensors.readHeader(file);
        assertEquals(0, header.dataStart() % 8, "header padded to a multiple of 8");
        assertEquals(Files.size(file), header.dataStart() + 4 * 14);
    }

    @Property(tries = 60)
    void anyTensorsRoundTripBitExactly(@ForAll("tensorLists") List<NamedTensor> tensors) throws IOException {
        Path file = Files.createTempFile("roundtrip", ".safetensors");
        try {
            SafeTensors.write(file, tensors, Map.of("n", Integer.toString(tensors.size())));
            Checkpoint back = SafeTensors.read(file);
            assertEquals(tensors.size(), back.tensors().size());
            for (NamedTensor t : tensors) {
                assertArrayEquals(t.shape(), back.get(t.name()).shape());
                assertBitsEqual(t.name(), t.data(), back.get(t.name()).data());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<List<NamedTensor>> tensorLists() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 5).array(int[].class).ofMaxSize(3);
        Arbitrary<NamedTensor> tensors = Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(12), shapes,
                Arbitraries.integers()).as((name, shape, bits) -> {
                    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                    float[] data = new float[n];
                    java.util.SplittableRandom r = new java.util.SplittableRandom(bits);
                    for (int i = 0; i < n; i++) {
                        data[i] = Float.intBitsToFloat(r.nextInt()); // every bit pattern: NaNs, infinities, subnormals
                    }
                    return new NamedTensor(name, shape, data);
                });
        return tensors.list().ofMaxSize(6).uniqueElements(NamedTensor::name)
                .filter(l -> l.stream().noneMatch(t -> t.name().equals("__metadata__")));
    }

    @Test
    void largeTensorCrossesChunkBoundaries() throws IOException {
        float[] data = new float[(1 << 18) * 3 + 17];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.sin(i) * i;
        }
        Path file = dir.resolve("big.safetensors");
        SafeTensors.write(file, List.of(new NamedTensor("big", new int[] {data.length}, data)), null);
        assertBitsEqual("big", data, SafeTensors.read(file).get("big").data());
    }

    // ------------------------------------------------------------------------------ atomic write

    private List<String> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void successfulWriteLeavesNoTemporaryFileAndReplacesTheOldOne() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, List.of(new NamedTensor("a", new int[] {1}, new float[] {1})), null);
        SafeTensors.write(file, List.of(new NamedTensor("b", new int[] {2}, new float[] {2, 3})), Map.of("k", "v"));
        assertEquals(List.of("ckpt.safetensors"), filesIn(dir));
        assertEquals(Set.of("b"), SafeTensors.read(file).tensors().keySet());
    }

    @Test
    void aFailedWriteNeverDamagesTheExistingFile() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, List.of(new NamedTensor("a", new int[] {2}, new float[] {1, 2})), Map.of("epoch", "1"));
        byte[] before = Files.readAllBytes(file);
        List<NamedTensor> next = List.of(new NamedTensor("a", new int[] {2}, new float[] {5, 6}),
                new NamedTensor("b", new int[] {1}, new float[] {7}));

        // an I/O failure half-way through the data
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(file, next, Map.of(), name -> {
            throw new IOException("disk full after " + name);
        }));
        assertEquals("disk full after a", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("ckpt.safetensors"), filesIn(dir));

        // a bad call found before anything is written
        List<NamedTensor> twice = List.of(next.get(0), next.get(0));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, twice, null));
        assertTrue(bad.getMessage().endsWith("tensor a appears twice"), bad.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("ckpt.safetensors"), filesIn(dir));
    }

    @Test
    void aTensorWhoseDataIsShorterThanItsShapeCannotBeMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NamedTensor("weight_hh_l0", new int[] {16, 4}, new float[63]));
        assertEquals("tensor weight_hh_l0: shape [16, 4] needs 64 values, the data has 63", e.getMessage());
    }

    @Test
    void metadataKeyCannotBeATensorName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x"),
                List.of(new NamedTensor("__metadata__", new int[] {1}, new float[1])), null));
        assertTrue(e.getMessage().endsWith("a tensor cannot be named __metadata__"), e.getMessage());
    }

    @Test
    void namesMustBeValidUnicode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x"),
                List.of(new NamedTensor("w\uD800", new int[] {1}, new float[1])), null));
        assertTrue(e.getMessage().endsWith("tensor name \"w\uD800\" is not valid Unicode (a lone surrogate)"), e.getMessage());
    }

    // ---------------------------------------------------------------------------- corrupt files

    private Path file(long headerLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header);
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, dataBytes);
    }

    private String readError(Path f) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        return e.getMessage().substring(f.toString().length() + 2);
    }

    @Test
    void tooShortForTheLength() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3, 4, 5});
        assertEquals("not a safetensors file: 5 bytes, too short for the 8-byte header length", readError(f));
    }

    @Test
    void hugeHeaderLength() throws IOException {
        assertEquals("not a safetensors file: header length 7234567890123 exceeds the limit of 100000000 bytes",
                readError(file(7234567890123L, new byte[] {'{', '}'}, 0)));
        assertEquals("not a safetensors file: header length 18446744073709551615 exceeds the limit of 100000000 bytes",
                readError(file(-1L, new byte[0], 0)));
    }

    @Test
    void truncatedHeader() throws IOException {
        assertEquals("truncated or not a safetensors file: header length 200, but only 20 bytes follow the 8-byte length",
                readError(file(200, "{\"a\":{\"dtype\":\"F32\",".getBytes(StandardCharsets.UTF_8), 0)));
    }

    @Test
    void headerNotJson() throws IOException {
        assertEquals("not a safetensors file: the header is not valid JSON (JSON: expected a string key at offset 1)",
                readError(file("{abc}   ", 0)));
        assertEquals("not a safetensors file: the header does not start with '{' (it starts with \"PK\\u0003\\u0004\")",
                readError(file("PK\u0003\u0004", 0)));
        Path f = file(4, new byte[] {'{', (byte) 0xC3, '(', '}'}, 0);
        assertEquals("not a safetensors file: the header (4 bytes) is not UTF-8", readError(f));
    }

    @Test
    void overlappingOffsets() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
        assertEquals("tensor b: data_offsets [8, 24] overlap tensor a at [0, 16]", readError(file(h, 24)));
    }

    @Test
    void gapBetweenTensors() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}";
        assertEquals("tensor b: data_offsets [16, 24] leave a gap of 8 bytes after tensor a, which ends at 8",
                readError(file(h, 24)));
    }

    /** A header of one tensor entry, as JSON text. */
    private static String oneTensor(String name, String dtype, String shape, String offsets) {
        return "{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    /** A header, the data bytes that follow it, and the error that names what is wrong. */
    static Stream<Arguments> badEntries() {
        return Stream.of(
                arguments(oneTensor("weight_hh_l0", "F32", "[16,4]", "[0,96]"), 96,
                        "tensor weight_hh_l0: data_offsets [0, 96] do not match shape [16, 4] of F32 (256 bytes)"),
                arguments(oneTensor("w", "F32", "[1]", "[8,4]"), 8, "tensor w: data_offsets [8, 4] end before they begin"),
                arguments(oneTensor("weight", "F32", "[4,4]", "[0,64]"), 60,
                        "tensor weight: data_offsets [0, 64] run past the end of the data section (60 bytes): the file is truncated"),
                arguments(oneTensor("w", "F32", "[1]", "[0,4]"), 8,
                        "4 bytes of data follow the last tensor (w ends at 4): the data section has 8 bytes"),
                arguments(oneTensor("w", "Q4", "[1]", "[0,4]"), 4, "tensor w: unknown dtype \"Q4\""),
                arguments(oneTensor("w", "F32", "[1,-2]", "[0,4]"), 4, "tensor w: shape [1, -2] is not an array of non-negative integers"),
                arguments(oneTensor("w", "F32", "[1]", "[0,4,8]"), 4,
                        "tensor w: data_offsets has 3 entries, expected [begin, end], non-negative integers"),
                arguments("{\"w\":[1,2]}", 0, "tensor w: expected an object with dtype, shape and data_offsets, found an array"),
                arguments(oneTensor("w", "F64", "[2147483647,2147483647,2147483647]", "[0,8]"), 8,
                        "tensor w: shape [2147483647, 2147483647, 2147483647] overflows"),
                arguments(oneTensor("w", "U8", "[2147483648]", "[0,8]"), 8, "tensor w: dimension 2147483648 of shape [2147483648] is too large"),
                arguments("{\"__metadata__\":{\"epoch\":3}}", 0, "__metadata__ entry \"epoch\" is a number, expected a string"),
                arguments(oneTensor("n", "I64", "[]", "[0,8]"), 8, "tensor n has dtype I64; lanegrad loads F32, F16, BF16 and F64"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badEntries")
    void aBadEntryIsNamed(String header, int dataBytes, String message) throws IOException {
        assertEquals(message, readError(file(header, dataBytes)));
    }

    @Test
    void aHostileShapeAllocatesNothing() throws IOException {
        // 2^30 floats claimed, 4 bytes present: rejected from the header alone
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1073741824],\"data_offsets\":[0,4294967296]}}";
        assertTrue(readError(file(h, 4)).endsWith("the file is truncated"));
    }

    @Test
    void emptyFileOfTensorsIsValid() throws IOException {
        Path f = dir.resolve("empty.safetensors");
        SafeTensors.write(f, List.of(), null);
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '}, Files.readAllBytes(f));
        assertEquals(0, SafeTensors.read(f).tensors().size());
    }

    // ----------------------------------------------------------------------- checking a model

    @Test
    void missingAndMisshapenTensorsAreNamed() throws IOException {
        Checkpoint ckpt = SafeTensors.read(resource("gru.safetensors"));
        String source = resource("gru.safetensors").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ckpt.get("weight_hh_l1"));
        assertEquals("tensor weight_hh_l1 missing from checkpoint " + source, e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ckpt.require("weight_ih_l0", 12, 5));
        assertEquals("tensor weight_ih_l0 has shape [12, 3], expected [12, 5] (checkpoint " + source + ")", e.getMessage());

        Map<String, int[]> expected = new LinkedHashMap<>(ckpt.shapes());
        expected.remove("bias_hh_l0");
        expected.put("weight_ih_l0", new int[] {12, 5});
        expected.put("weight_hh_l1", new int[] {12, 4});
        e = assertThrows(IllegalArgumentException.class, () -> ckpt.check(expected, true));
        assertEquals("checkpoint " + source + " does not fit the model (3 problems):\n"
                + "  tensor weight_ih_l0 has shape [12, 3], expected [12, 5]\n"
                + "  tensor weight_hh_l1 missing from checkpoint " + source + "\n"
                + "  unexpected tensor bias_hh_l0 in checkpoint " + source, e.getMessage());
        expected.put("weight_ih_l0", new int[] {12, 3});
        expected.remove("weight_hh_l1");
        ckpt.check(expected, false); // extra tensors allowed when not strict
    }

    @Test
    void readHeaderListsTensorsInFileOrder() throws IOException {
        SafeTensors.Header h = SafeTensors.readHeader(resource("gru.safetensors"));
        List<String> names = new ArrayList<>();
        h.tensors().forEach(t -> names.add(t.name()));
        assertEquals(List.of("bias_hh_l0", "bias_ih_l0", "weight_hh_l0", "weight_ih_l0"), names);
        assertEquals(Map.of("format", "pt", "module", "GRU"), h.metadata());
        assertEquals(0, h.dataStart() % 8);
        assertEquals("[12, 4]", Arrays.toString(h.tensors().get(2).shape()));
    }
}
