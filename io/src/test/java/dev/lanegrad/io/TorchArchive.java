package dev.lanegrad.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Test helper: writes torch.save-like archives (stored records) and pickles byte by byte. */
final class TorchArchive {

    private final Map<String, byte[]> records = new LinkedHashMap<>();

    TorchArchive record(String name, byte[] bytes) {
        records.put(name, bytes);
        return this;
    }

    /** archive/data.pkl, archive/version and the given storages archive/data/key. */
    static TorchArchive of(byte[] pickle, Map<String, byte[]> storages) {
        TorchArchive a = new TorchArchive().record("archive/data.pkl", pickle);
        storages.forEach((k, v) -> a.record("archive/data/" + k, v));
        return a.record("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }

    byte[] bytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                ZipEntry e = new ZipEntry(r.getKey());
                e.setMethod(ZipEntry.STORED);
                e.setSize(r.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(r.getValue());
                e.setCrc(crc.getValue());
                zip.putNextEntry(e);
                zip.write(r.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    Path write(Path dir, String name) throws IOException {
        return Files.write(dir.resolve(name), bytes());
    }

    /** The records of an archive file, in order (to rebuild it with a changed data.pkl). */
    static TorchArchive readAll(Path file) throws IOException {
        TorchArchive a = new TorchArchive();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                a.record(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        return a;
    }

    Map<String, byte[]> records() {
        return records;
    }

    /** Pickle opcodes, written by hand. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle proto() {
            return op(0x80, 2);
        }

        Pickle global(String module, String name) {
            out.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X', b.length & 0xff, (b.length >>> 8) & 0xff, (b.length >>> 16) & 0xff, b.length >>> 24);
            out.writeBytes(b);
            return this;
        }

        Pickle int1(int v) {
            return op('K', v);
        }

        Pickle int4(int v) {
            return op('J', v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
        }

        /** An int tuple (MARK ... TUPLE). */
        Pickle ints(int... vs) {
            op('(');
            for (int v : vs) {
                int4(v);
            }
            return op('t');
        }

        Pickle orderedDict() {
            return global("collections", "OrderedDict").op(')', 'R');
        }

        /** _rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict()). */
        Pickle tensor(String storageType, String key, int numel, int offset, int[] size, int[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').str("storage").global("torch", storageType).str(key).str("cpu").int4(numel).op('t', 'Q');
            int4(offset).ints(size).ints(stride).op(0x89).orderedDict();
            return op('t', 'R');
        }

        /** A state_dict of one float32 tensor "w" of the given shape over storage "0" of numel elements. */
        static byte[] oneTensor(int numel, int offset, int[] size, int[] stride) {
            return new Pickle().proto().orderedDict().op('(').str("w").tensor("FloatStorage", "0", numel, offset, size, stride)
                    .op('u', '.').bytes();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
