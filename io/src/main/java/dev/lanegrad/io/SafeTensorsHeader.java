package dev.lanegrad.io;

import dev.lanegrad.io.SafeTensors.Header;
import dev.lanegrad.io.SafeTensors.TensorInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lanegrad.io.SafeTensors.MAX_HEADER_BYTES;
import static dev.lanegrad.io.SafeTensors.METADATA_KEY;
import static dev.lanegrad.io.SafeTensors.fail;
import static dev.lanegrad.io.SafeTensors.readFully;

/**
 * Reading a safetensors header, strictly, like the reference implementation: the length is capped, the
 * header must be a UTF-8 JSON object, every tensor's offsets must match its shape and dtype, and the
 * tensors must cover the data section exactly, without overlaps or gaps. Only the header's own bytes
 * are allocated, so a hostile header cannot make a reader allocate gigabytes.
 */
final class SafeTensorsHeader {

    private SafeTensorsHeader() {
    }

    /** Reads the header of an open file and checks it against the file's size. */
    static Header read(FileChannel ch, String source) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw fail(source, "not a safetensors file: " + size + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lengthBytes, 0, source);
        long n = lengthBytes.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw fail(source, "not a safetensors file: header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw fail(source, "truncated or not a safetensors file: header length " + n + ", but only " + (size - 8)
                    + " bytes follow the 8-byte length");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(ch, headerBytes, 8, source);
        headerBytes.flip();
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes);
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw fail(source, "not a safetensors file: the header (" + n + " bytes) is not UTF-8");
        }
        if (!text.startsWith("{")) {
            throw fail(source, "not a safetensors file: the header does not start with '{' (it starts with "
                    + Json.quote(text.substring(0, Math.min(16, text.length()))) + ")");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw fail(source, "not a safetensors file: the header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map)) {
            throw fail(source, "not a safetensors file: the header is not a JSON object");
        }
        return validate(source, 8 + n, size - 8 - n, castMap(parsed));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Header validate(String source, long dataStart, long dataSize, Map<String, Object> json)
            throws SafeTensorsException {
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> infos = new ArrayList<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map)) {
                    throw fail(source, METADATA_KEY + " is " + Json.typeName(e.getValue()) + ", expected an object of strings");
                }
                for (Map.Entry<String, Object> m : castMap(e.getValue()).entrySet()) {
                    if (!(m.getValue() instanceof String)) {
                        throw fail(source, METADATA_KEY + " entry " + Json.quote(m.getKey()) + " is "
                                + Json.typeName(m.getValue()) + ", expected a string");
                    }
                    metadata.put(m.getKey(), (String) m.getValue());
                }
            } else {
                infos.add(tensorInfo(source, e.getKey(), e.getValue(), dataSize));
            }
        }
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expectedBegin = 0;
        TensorInfo previous = null;
        for (TensorInfo t : infos) {
            if (t.begin() < expectedBegin) {
                throw fail(source, "tensor " + t.name() + ": data_offsets [" + t.begin() + ", " + t.end() + "] overlap tensor "
                        + previous.name() + " at [" + previous.begin() + ", " + previous.end() + "]");
            }
            if (t.begin() > expectedBegin) {
                throw fail(source, "tensor " + t.name() + ": data_offsets [" + t.begin() + ", " + t.end() + "] leave a gap of "
                        + (t.begin() - expectedBegin) + " bytes after "
                        + (previous == null ? "the header" : "tensor " + previous.name() + ", which ends at " + previous.end()));
            }
            expectedBegin = t.end();
            previous = t;
        }
        if (expectedBegin != dataSize) {
            throw fail(source, (dataSize - expectedBegin) + " bytes of data follow the last tensor"
                    + (previous == null ? "" : " (" + previous.name() + " ends at " + expectedBegin + ")")
                    + ": the data section has " + dataSize + " bytes");
        }
        return new Header(source, dataStart, Collections.unmodifiableList(infos), Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo tensorInfo(String source, String name, Object value, long dataSize) throws SafeTensorsException {
        String where = "tensor " + name + ": ";
        if (!(value instanceof Map)) {
            throw fail(source, where + "expected an object with dtype, shape and data_offsets, found " + Json.typeName(value));
        }
        Map<String, Object> entry = castMap(value);
        Object dtypeName = entry.get("dtype");
        if (!(dtypeName instanceof String)) {
            throw fail(source, where + "dtype is " + Json.typeName(dtypeName) + ", expected a string such as \"F32\"");
        }
        Dtype dtype = Dtype.byName((String) dtypeName);
        if (dtype == null) {
            throw fail(source, where + "unknown dtype " + Json.quote((String) dtypeName));
        }
        long[] shapeLong = longs(source, where, "shape", entry.get("shape"), -1);
        int[] shape = new int[shapeLong.length];
        long bytes = dtype.bytes();
        for (int i = 0; i < shape.length; i++) {
            if (shapeLong[i] > Integer.MAX_VALUE) {
                throw fail(source, where + "dimension " + shapeLong[i] + " of shape " + Arrays.toString(shapeLong) + " is too large");
            }
            shape[i] = (int) shapeLong[i];
            try {
                bytes = Math.multiplyExact(bytes, shapeLong[i]);
            } catch (ArithmeticException overflow) {
                throw fail(source, where + "shape " + Arrays.toString(shapeLong) + " overflows");
            }
        }
        long[] offsets = longs(source, where, "data_offsets", entry.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (end < begin) {
            throw fail(source, where + range + " end before they begin");
        }
        if (end - begin != bytes) {
            throw fail(source, where + range + " do not match shape " + Arrays.toString(shape) + " of " + dtype
                    + " (" + bytes + " bytes)");
        }
        if (end > dataSize) {
            throw fail(source, where + range + " run past the end of the data section (" + dataSize
                    + " bytes): the file is truncated");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** An array of non-negative integers; {@code count} < 0 for any length. */
    private static long[] longs(String source, String where, String field, Object value, int count) throws SafeTensorsException {
        String expected = count < 0 ? "an array of non-negative integers" : "[begin, end], non-negative integers";
        if (!(value instanceof List)) {
            throw fail(source, where + field + " is " + Json.typeName(value) + ", expected " + expected);
        }
        List<?> list = (List<?>) value;
        if (count >= 0 && list.size() != count) {
            throw fail(source, where + field + " has " + list.size() + " entries, expected " + expected);
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Long) || (Long) v < 0) {
                throw fail(source, where + field + " " + list + " is not " + expected);
            }
            out[i] = (Long) v;
        }
        return out;
    }
}
