package dev.lanegrad.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"__metadata__": {..}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..}}
 * with offsets relative to the first byte after the header, then the raw little-endian data.
 *
 * <p>Reading is strict, like the reference implementation: the header length is capped, the header must
 * be a JSON object, every tensor's offsets must match its shape and dtype, and the tensors must cover
 * the data section exactly, without overlaps or gaps. Nothing is allocated for a tensor before its bytes
 * are known to be in the file, so a hostile header cannot make us allocate gigabytes. F32 is loaded as
 * is; F16, BF16 and F64 are converted to float32.
 *
 * <p>Writing produces what {@code safetensors.torch.save_file} produces for float32 tensors (tensors in
 * name order, compact JSON, header padded with spaces to a multiple of 8), so a file written here is
 * byte-identical to PyTorch's for the same tensors and metadata. The file is written to a temporary
 * file in the same folder and renamed into place, so a failed write never damages an existing file.
 */
public final class SafeTensors {

    /** The largest header we accept, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Read/write chunk; a multiple of 8 so that no element straddles two chunks. */
    private static final int CHUNK = 1 << 20;

    private static final String METADATA_KEY = "__metadata__";

    private SafeTensors() {
    }

    /** One tensor's entry in a header; offsets relative to the data section. */
    public record TensorInfo(String name, Dtype dtype, int[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + "]";
        }
    }

    /**
     * A validated header: tensors in file (offset) order, the metadata, and where the data section
     * starts in the file.
     */
    public record Header(String source, long dataStart, List<TensorInfo> tensors, Map<String, String> metadata) {
    }

    // ------------------------------------------------------------------------------------------ read

    /**
     * Reads all tensors (as float32) and the metadata. The data is read in 1 MiB chunks into the float
     * arrays rather than through a memory mapping: a mapped file stays open (and, on Windows, locked)
     * until the garbage collector unmaps it, which would block replacing a checkpoint just loaded.
     */
    public static Checkpoint read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(ch, file.toString());
            // no bigger than the data: reading a small file allocates a small multiple of its size
            long dataBytes = ch.size() - header.dataStart();
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(8, Math.min(CHUNK, dataBytes))).order(ByteOrder.LITTLE_ENDIAN);
            List<NamedTensor> tensors = new ArrayList<>(header.tensors().size());
            for (TensorInfo info : header.tensors()) {
                tensors.add(readTensor(ch, header, info, buf));
            }
            return new Checkpoint(file.toString(), tensors, header.metadata());
        }
    }

    /** Reads and validates only the header: names, dtypes, shapes, offsets and metadata. */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(ch, file.toString());
        }
    }

    private static Header readHeader(FileChannel ch, String source) throws IOException {
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

    private static NamedTensor readTensor(FileChannel ch, Header header, TensorInfo info, ByteBuffer buf) throws IOException {
        if (!info.dtype().loadable()) {
            throw fail(header.source(), "tensor " + info.name() + " has dtype " + info.dtype()
                    + "; lanegrad loads F32, F16, BF16 and F64");
        }
        long elements = info.elements();
        if (elements > Integer.MAX_VALUE - 8) {
            throw fail(header.source(), "tensor " + info.name() + " has " + elements + " elements, more than a Java array holds");
        }
        float[] out = new float[(int) elements];
        int size = info.dtype().bytes();
        long position = header.dataStart() + info.begin();
        long remaining = info.end() - info.begin();
        int index = 0;
        while (remaining > 0) {
            int chunk = (int) Math.min(buf.capacity(), remaining);
            buf.clear().limit(chunk);
            readFully(ch, buf, position, header.source());
            buf.flip();
            int count = chunk / size;
            convert(info.dtype(), buf, out, index, count);
            index += count;
            position += chunk;
            remaining -= chunk;
        }
        return new NamedTensor(info.name(), info.shape(), out);
    }

    private static void convert(Dtype dtype, ByteBuffer buf, float[] out, int index, int count) {
        switch (dtype) {
            case F32 -> buf.asFloatBuffer().get(out, index, count);
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out[index + i] = (float) buf.getDouble(i << 3);
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[index + i] = Float.intBitsToFloat((buf.getShort(i << 1) & 0xffff) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[index + i] = halfToFloat(buf.getShort(i << 1));
                }
            }
            default -> throw new IllegalStateException(dtype.name());
        }
    }

    /** IEEE 754 binary16 to float32, exact (Float.float16ToFloat needs Java 20). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float v = mantissa * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String source) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position);
            if (n < 0) {
                throw fail(source, "unexpected end of file at byte " + position + " (the file changed while it was read?)");
            }
            position += n;
        }
    }

    private static SafeTensorsException fail(String source, String message) {
        return new SafeTensorsException(source + ": " + message);
    }

    // ----------------------------------------------------------------------------------------- write

    /** Called after each tensor's data is written; lets tests fail a write half-way. */
    @FunctionalInterface
    interface WriteObserver {
        void tensorWritten(String name) throws IOException;
    }

    /** Writes a checkpoint's tensors and metadata. */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        write(file, checkpoint.tensors().values(), checkpoint.metadata());
    }

    /**
     * Writes float32 tensors and string metadata (may be empty or null: then no {@code __metadata__}),
     * atomically: the data goes to a temporary file in the same folder, which is flushed to disk and
     * renamed over {@code file}. On any failure the temporary file is deleted and an existing
     * {@code file} is left as it was.
     */
    public static void write(Path file, Collection<NamedTensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, name -> { });
    }

    static void write(Path file, Collection<NamedTensor> tensors, Map<String, String> metadata, WriteObserver observer)
            throws IOException {
        List<NamedTensor> ordered = checkForWriting(file, tensors, metadata);
        byte[] header = header(ordered, metadata);
        AtomicFile.write(file, ch -> {
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            AtomicFile.writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (NamedTensor t : ordered) {
                float[] data = t.data();
                for (int i = 0; i < data.length; ) {
                    int count = Math.min(CHUNK / 4, data.length - i);
                    buf.clear();
                    buf.asFloatBuffer().put(data, i, count);
                    buf.limit(count * 4);
                    AtomicFile.writeFully(ch, buf);
                    i += count;
                }
                observer.tensorWritten(t.name());
            }
        });
    }

    private static List<NamedTensor> checkForWriting(Path file, Collection<NamedTensor> tensors, Map<String, String> metadata) {
        Set<String> names = new HashSet<>();
        for (NamedTensor t : tensors) {
            if (t.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException(file + ": a tensor cannot be named " + METADATA_KEY);
            }
            requireUtf8(file, "tensor name", t.name());
            if (!names.add(t.name())) {
                throw new IllegalArgumentException(file + ": tensor " + t.name() + " appears twice");
            }
        }
        if (metadata != null) {
            metadata.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException(file + ": metadata entry " + k + "=" + v + " has a null");
                }
                requireUtf8(file, "metadata key", k);
                requireUtf8(file, "metadata value", v);
            });
        }
        List<NamedTensor> ordered = new ArrayList<>(tensors);
        ordered.sort((a, b) -> compareCodePoints(a.name(), b.name()));
        return ordered;
    }

    /** A lone surrogate would silently become '?' in the UTF-8 header. */
    private static void requireUtf8(Path file, String what, String s) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
            throw new IllegalArgumentException(file + ": " + what + " " + Json.quote(s) + " is not valid Unicode (a lone surrogate)");
        }
    }

    /** Order of UTF-8 bytes (what safetensors sorts by) = order of code points, not of UTF-16 units. */
    private static int compareCodePoints(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /** The header as safetensors writes it: compact JSON, padded with spaces to a multiple of 8. */
    static byte[] header(List<NamedTensor> ordered, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            sb.append(Json.quote(METADATA_KEY)).append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                sb.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                sep = ",";
            }
            sb.append('}');
        }
        long offset = 0;
        for (NamedTensor t : ordered) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            long end = offset + 4L * t.size();
            sb.append(Json.quote(t.name())).append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) {
                sb.append(i == 0 ? "" : ",").append(t.shape()[i]);
            }
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }


    /** Makes the rename durable where the platform allows opening a folder (POSIX); elsewhere a no-op. */
}
