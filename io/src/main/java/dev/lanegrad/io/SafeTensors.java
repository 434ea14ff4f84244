package dev.lanegrad.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"__metadata__": {..}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..}}
 * with offsets relative to the first byte after the header, then the raw little-endian data.
 *
 * <p>Reading is strict, like the reference implementation ({@link SafeTensorsHeader} checks the header):
 * the header length is capped, the header must be a JSON object, every tensor's offsets must match its
 * shape and dtype, and the tensors must cover the data section exactly, without overlaps or gaps. Nothing
 * is allocated for a tensor before its bytes are known to be in the file, so a hostile header cannot make
 * us allocate gigabytes. F32 is loaded as is; F16, BF16 and F64 are converted to float32.
 *
 * <p>Writing ({@link SafeTensorsWriter}) produces what {@code safetensors.torch.save_file} produces for
 * float32 tensors (tensors in name order, compact JSON, header padded with spaces to a multiple of 8), so
 * a file written here is byte-identical to PyTorch's for the same tensors and metadata. The file is
 * written to a temporary file in the same folder and renamed into place, so a failed write never damages
 * an existing file.
 */
public final class SafeTensors {

    /** The largest header we accept, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Read/write chunk; a multiple of 8 so that no element straddles two chunks. */
    static final int CHUNK = 1 << 20;

    static final String METADATA_KEY = "__metadata__";

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
            Header header = SafeTensorsHeader.read(ch, file.toString());
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
            return SafeTensorsHeader.read(ch, file.toString());
        }
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

    static void readFully(FileChannel ch, ByteBuffer buf, long position, String source) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position);
            if (n < 0) {
                throw fail(source, "unexpected end of file at byte " + position + " (the file changed while it was read?)");
            }
            position += n;
        }
    }

    static SafeTensorsException fail(String source, String message) {
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
        SafeTensorsWriter.write(file, tensors, metadata, observer);
    }
}
