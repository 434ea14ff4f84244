package dev.lanegrad.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader of io on damaged input: truncations, bit flips, inserted and random bytes, huge claimed
 * sizes and deep nesting. A reader may accept what it reads or throw its typed exception (JsonException,
 * SafeTensorsException, IllegalArgumentException for golden cases); nothing else, no Error, and it never
 * allocates more than a small multiple of the input's size (bytes counted by ThreadMXBean, this thread).
 */
class ReaderFuzzTest {

    /** Allowed allocation: this many bytes per input byte, plus a fixed amount for the reader's own buffers. */
    static final long PER_BYTE = 40;
    static final long FIXED = 256 * 1024;

    @TempDir
    Path tmp;

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** The damaged versions of one input: always the same for a seed. */
    static List<byte[]> mutants(byte[] seed, long randomSeed, int count) {
        SplittableRandom r = new SplittableRandom(randomSeed);
        List<byte[]> out = new ArrayList<>();
        for (int cut = 0; cut < seed.length; cut += Math.max(1, seed.length / 64)) {
            out.add(java.util.Arrays.copyOf(seed, cut));                                  // truncations
        }
        for (int i = 0; i < count; i++) {
            byte[] m = seed.clone();
            switch (r.nextInt(4)) {
                case 0 -> {                                                                 // bit flips
                    for (int f = 1 + r.nextInt(3); f > 0; f--) {
                        int at = r.nextInt(m.length);
                        m[at] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> {                                                                 // random bytes over a span
                    int at = r.nextInt(m.length);
                    for (int k = at; k < Math.min(m.length, at + 1 + r.nextInt(16)); k++) {
                        m[k] = (byte) r.nextInt(256);
                    }
                }
                case 2 -> {                                                                 // a digit changed: sizes and offsets
                    int at = r.nextInt(m.length);
                    for (int k = at; k < m.length; k++) {
                        if (m[k] >= '0' && m[k] <= '9') {
                            m[k] = (byte) ('0' + r.nextInt(10));
                            break;
                        }
                    }
                }
                default -> {                                                                // wholly random bytes
                    m = new byte[1 + r.nextInt(seed.length)];
                    for (int k = 0; k < m.length; k++) {
                        m[k] = (byte) r.nextInt(256);
                    }
                }
            }
            out.add(m);
        }
        return out;
    }

    /**
     * Each input is read twice and the second read is measured: the first time an error path runs, the JVM
     * links its string concatenations and loads classes, allocating ~100 KB that are not the reader's.
     */
    static boolean measuring;

    static double worstRatio;
    static String worst = "";

    @org.junit.jupiter.api.AfterAll
    static void report() {
        System.out.printf("reader fuzz: worst allocation %.1f bytes per input byte (beyond the fixed %d): %s%n", worstRatio, FIXED, worst);
    }

    static void withinBudget(String what, long used, long size) {
        if (measuring && size > 0 && (double) (used - FIXED) / size > worstRatio) {
            worstRatio = (double) (used - FIXED) / size;
            worst = what + ", " + used + " bytes for " + size;
        }
        if (measuring) {
            assertTrue(used <= PER_BYTE * size + FIXED, what + ": allocated " + used + " bytes for an input of " + size);
        }
    }

    // ------------------------------------------------------------------------------------------ JSON

    static final String[] JSON_SEEDS = {
        "{\"__metadata__\":{\"format\":\"pt\",\"n\":\"3\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
        "{\"task\": \"forecast\", \"hidden\": 32, \"lr\": 0.003, \"labels\": [\"a\", \"b\\u00e9\"], \"ok\": true, \"none\": null}",
        "[1, -2.5e-3, 1E+9, 0, \"x\\n\\\"\", [[], {}], 9223372036854775808]",
    };

    static void parseJson(String text) {
        measuring = false;
        parseJsonOnce(text);
        measuring = true;
        parseJsonOnce(text);
    }

    static void parseJsonOnce(String text) {
        long before = allocated();
        try {
            Json.parse(text);
        } catch (JsonException expected) {
            // the one exception the reader may throw
        } catch (RuntimeException | Error e) {
            fail("Json.parse threw " + e + " on " + Json.quote(text.length() > 200 ? text.substring(0, 200) + "..." : text));
        }
        withinBudget("Json.parse", allocated() - before, text.length());
    }

    @Test
    void jsonReaderSeesOnlyJsonExceptions() {
        parseJson(JSON_SEEDS[0]); // class loading and first-call allocations are not the reader's
        for (int s = 0; s < JSON_SEEDS.length; s++) {
            for (byte[] m : mutants(JSON_SEEDS[s].getBytes(StandardCharsets.UTF_8), s, 1500)) {
                parseJson(new String(m, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void deepNestingIsATypedErrorAtAnyDepth() {
        parseJson(JSON_SEEDS[1]);
        for (int depth : new int[] {Json.MAX_DEPTH, Json.MAX_DEPTH + 1, 10_000, 1_000_000}) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            String open = "[{\"k\":".repeat(depth / 2);
            for (String text : List.of(arrays, objects, open)) {
                if (depth <= Json.MAX_DEPTH && !text.equals(open)) {
                    Json.parse(text); // legal depth: read
                } else {
                    JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
                    assertTrue(e.getMessage().contains("nesting deeper than") || e.getMessage().contains("end of input"),
                            e.getMessage());
                }
                parseJson(text);
            }
        }
    }

    @Test
    void hugeNumbersAndLongTokensAreReadOrRefused() {
        parseJson(JSON_SEEDS[2]);
        for (String text : List.of("1e999999", "-1e-999999", "1" + "0".repeat(100_000), "\"" + "\\u12".repeat(1000),
                "\"" + "a".repeat(100_000), "[" + "1,".repeat(50_000) + "]", "{\"a\":1,\"a\":2}", "\u0000", "")) {
            parseJson(text);
        }
    }

    // ----------------------------------------------------------------------------------- safetensors

    private Path valid() throws IOException {
        Path f = tmp.resolve("valid.safetensors");
        SafeTensors.write(f, List.of(new NamedTensor("a", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                new NamedTensor("b.bias", new int[] {4}, new float[] {-1, 0.5f, 7, 8}),
                new NamedTensor("scalar", new int[] {}, new float[] {3})), Map.of("format", "pt", "hidden_size", "3"));
        return f;
    }

    private void readSafeTensors(byte[] bytes, String what) throws IOException {
        Path f = tmp.resolve("mutant.safetensors");
        Files.write(f, bytes);
        measuring = false;
        readSafeTensorsOnce(f, bytes.length, what);
        measuring = true;
        readSafeTensorsOnce(f, bytes.length, what);
    }

    private void readSafeTensorsOnce(Path f, int size, String what) {
        long before = allocated();
        try {
            SafeTensors.read(f);
        } catch (SafeTensorsException expected) {
            // the one exception the reader may throw on content
        } catch (IOException | RuntimeException | Error e) {
            fail("SafeTensors.read threw " + e + " on " + what);
        }
        withinBudget("SafeTensors.read " + what, allocated() - before, size);
    }

    @Test
    void safetensorsReaderSeesOnlyItsTypedException() throws IOException {
        byte[] seed = Files.readAllBytes(valid());
        SafeTensors.read(valid()); // class loading and first-call allocations are not the reader's
        int i = 0;
        for (byte[] m : mutants(seed, 99, 1500)) {
            readSafeTensors(m, "mutant " + i++);
        }
        for (String name : List.of("gru", "lstm", "mixed_dtypes", "embedding")) {
            var url = ReaderFuzzTest.class.getResource("/safetensors/" + name + ".safetensors");
            if (url != null) {
                byte[] fixture = url.openStream().readAllBytes();
                for (byte[] m : mutants(fixture, name.hashCode(), 300)) {
                    readSafeTensors(m, name + " mutant " + i++);
                }
            }
        }
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    @Test
    void hugeClaimedSizesAreRefusedBeforeAllocating() throws IOException {
        SafeTensors.read(valid());
        List<byte[]> files = List.of(
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array(),
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(99_999_999L).array(),
                withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,8]}}", 8),
                withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[100000000],\"data_offsets\":[0,400000000]}}", 8),
                withHeader("{\"w\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}", 0),
                withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,9223372036854775807]}}", 8),
                withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(10_000) + "1],\"data_offsets\":[0,4]}}", 4),
                withHeader("{\"__metadata__\":" + "[".repeat(100_000), 0),
                withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w2\":" + "{\"a\":".repeat(5000), 4));
        int i = 0;
        for (byte[] f : files) {
            readSafeTensors(f, "crafted file " + i++);
        }
    }

    // ---------------------------------------------------------------------------------- golden cases

    @Test
    void goldenCaseReaderSeesOnlyIllegalArgumentExceptions() throws IOException {
        var url = ReaderFuzzTest.class.getResource("/safetensors/linear.json");
        byte[] seed = url.openStream().readAllBytes();
        ParityCase.parse("warm-up", Json.parseObject(new String(seed, StandardCharsets.UTF_8)));
        for (byte[] m : mutants(seed, 5, 1000)) {
            for (int pass = 0; pass < 2; pass++) {
                measuring = pass == 1;
                readGoldenCase(m);
            }
        }
    }

    private static void readGoldenCase(byte[] m) {
        {
            String text = new String(m, StandardCharsets.ISO_8859_1);
            long before = allocated();
            try {
                Map<String, Object> json = Json.parseObject(text);
                if (ParityCase.isCase(json)) {
                    ParityCase.parse("mutant", json);
                }
            } catch (IllegalArgumentException expected) {
                // JsonException or a golden case that does not hold together
            } catch (RuntimeException | Error e) {
                fail("golden-case reading threw " + e + " on " + Json.quote(text.substring(0, Math.min(200, text.length()))));
            }
            withinBudget("golden case", allocated() - before, m.length);
        }
    }
}
