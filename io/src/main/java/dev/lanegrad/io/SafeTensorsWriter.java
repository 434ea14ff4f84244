package dev.lanegrad.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.lanegrad.io.SafeTensors.CHUNK;
import static dev.lanegrad.io.SafeTensors.METADATA_KEY;

/**
 * Writing float32 tensors as {@code safetensors.torch.save_file} does (tensors in name order, compact
 * JSON, the header padded with spaces to a multiple of 8), so a file written here is byte-identical to
 * PyTorch's for the same tensors and metadata; through {@link AtomicFile}, so a failed write never
 * damages an existing file.
 */
final class SafeTensorsWriter {

    private SafeTensorsWriter() {
    }

    static void write(Path file, Collection<NamedTensor> tensors, Map<String, String> metadata, SafeTensors.WriteObserver observer)
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
}
