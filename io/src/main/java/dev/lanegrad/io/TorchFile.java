package dev.lanegrad.io;

import dev.lanegrad.io.TorchUnpickler.Dict;
import dev.lanegrad.io.TorchUnpickler.StorageRef;
import dev.lanegrad.io.TorchUnpickler.TensorRef;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch's own checkpoint files, {@code torch.save(model.state_dict(), "model.pt")} (the zip
 * format of PyTorch 1.6 and later: {@code <name>/data.pkl}, the storages in {@code <name>/data/<key>},
 * {@code <name>/version}), as float32 tensors under their state_dict names.
 *
 * <p>The pickle goes through {@link TorchUnpickler}, which accepts only what a state_dict needs (like
 * {@code torch.load(weights_only=True)}) and refuses any other global, opcode or object by name without
 * running it: a {@code .pt} file from an untrusted source cannot run code here. float32, float16,
 * bfloat16 and float64 storages load (converted to float32); storages shared by several tensors are read
 * once; strided views (storage offset and strides, e.g. a transposed weight) are copied to contiguous
 * row-major arrays. Every size the file claims is checked against the archive before anything is
 * allocated: a storage must be a stored (uncompressed) record of exactly its claimed bytes, and a view
 * must lie inside its storage.
 *
 * <p>Every problem with the file's content is a {@link TorchFileException} naming the file and what was
 * wrong.
 */
public final class TorchFile {

    /** The largest data.pkl we read; a state_dict's pickle is a few hundred bytes per tensor. */
    public static final long MAX_PICKLE_BYTES = 64L << 20;

    /** The largest storage: one Java array of bytes. */
    static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 8;

    private TorchFile() {
    }

    /** Whether the file starts like a zip archive (what torch.save writes), as opposed to safetensors. */
    public static boolean looksLikeTorchFile(Path file) throws IOException {
        byte[] head = firstBytes(file, 4);
        return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /** Reads every tensor of the state_dict, in the file's order, as float32; the metadata is empty. */
    public static Checkpoint read(Path file) throws IOException {
        String source = file.toString();
        long fileSize = Files.size(file);
        if (!looksLikeTorchFile(file)) {
            byte[] head = firstBytes(file, 2);
            boolean legacy = head.length == 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
            throw new TorchFileException(source + ": not a torch.save zip archive (it does not start with PK\\3\\4)"
                    + (legacy ? "; it looks like the legacy pickle format of PyTorch < 1.6: load and save it again with a"
                    + " recent PyTorch, or convert it with tools/state_dict_to_safetensors.py" : ""));
        }
        try (ZipFile zip = open(file, source)) {
            String prefix = archivePrefix(zip, source);
            ByteOrder order = byteOrder(zip, prefix, fileSize, source);
            ZipEntry pklEntry = storedEntry(zip, prefix + "data.pkl", fileSize, source);
            if (pklEntry.getSize() > MAX_PICKLE_BYTES) {
                throw new TorchFileException(source + ": data.pkl claims " + pklEntry.getSize() + " bytes, more than the limit of "
                        + MAX_PICKLE_BYTES);
            }
            Dict stateDict = TorchUnpickler.load(source, readFully(zip, pklEntry, source));
            Map<String, ByteBuffer> storages = new HashMap<>();
            List<NamedTensor> tensors = new ArrayList<>(stateDict.entries.size());
            for (Map.Entry<String, Object> e : stateDict.entries.entrySet()) {
                if (!(e.getValue() instanceof TensorRef t)) {
                    throw new TorchFileException(source + ": entry " + TorchUnpickler.printable(e.getKey()) + " is "
                            + TorchUnpickler.typeName(e.getValue()) + ", expected a tensor (lanegrad reads torch.save(model.state_dict()))");
                }
                ByteBuffer bytes = storages.get(t.storage().key());
                if (bytes == null) {
                    bytes = readStorage(zip, prefix, t.storage(), fileSize, source).order(order);
                    storages.put(t.storage().key(), bytes);
                }
                tensors.add(new NamedTensor(e.getKey(), shape(source, e.getKey(), t), gather(source, e.getKey(), t, bytes)));
            }
            return new Checkpoint(source, tensors, Map.of());
        }
    }

    // ---- the archive ----

    private static ZipFile open(Path file, String source) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // java.util.zip reports a damaged archive as ZipException, and a few damages as unchecked exceptions
            throw new TorchFileException(source + ": not a readable zip archive (" + e + ")", e);
        }
    }

    /** The one top-level folder holding data.pkl ("archive" or the file's stem, depending on the PyTorch version). */
    private static String archivePrefix(ZipFile zip, String source) throws TorchFileException {
        String prefix = null;
        try {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                int slash = name.indexOf('/');
                if (slash > 0 && name.substring(slash).equals("/data.pkl")) {
                    if (prefix != null) {
                        throw new TorchFileException(source + ": two data.pkl records (" + prefix + "data.pkl and " + name
                                + "), expected one");
                    }
                    prefix = name.substring(0, slash + 1);
                }
            }
        } catch (RuntimeException e) {
            throw new TorchFileException(source + ": damaged zip directory (" + e + ")", e);
        }
        if (prefix == null) {
            throw new TorchFileException(source + ": a zip archive without <name>/data.pkl: not a torch.save file");
        }
        return prefix;
    }

    private static ByteOrder byteOrder(ZipFile zip, String prefix, long fileSize, String source) throws TorchFileException {
        if (entry(zip, prefix + "byteorder", source) == null) {
            return ByteOrder.LITTLE_ENDIAN; // PyTorch before 2.1 wrote no byteorder record: always little-endian
        }
        ZipEntry e = storedEntry(zip, prefix + "byteorder", fileSize, source);
        if (e.getSize() > 16) {
            throw new TorchFileException(source + ": byteorder record of " + e.getSize() + " bytes, expected 'little' or 'big'");
        }
        String order = new String(readFully(zip, e, source), StandardCharsets.US_ASCII).trim();
        return switch (order) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new TorchFileException(source + ": byteorder " + TorchUnpickler.printable(order)
                    + ", expected 'little' or 'big'");
        };
    }

    private static ByteBuffer readStorage(ZipFile zip, String prefix, StorageRef s, long fileSize, String source)
            throws TorchFileException {
        String name = prefix + "data/" + s.key();
        long claimed;
        try {
            claimed = Math.multiplyExact(s.numel(), s.dtype().bytes());
        } catch (ArithmeticException e) {
            claimed = Long.MAX_VALUE;
        }
        ZipEntry e = storedEntry(zip, name, fileSize, source);
        if (e.getSize() != claimed) {
            throw new TorchFileException(source + ": storage " + TorchUnpickler.printable(s.key()) + " claims " + s.numel() + " "
                    + s.dtype() + " elements (" + claimed + " bytes), but its record " + name + " has " + e.getSize() + " bytes");
        }
        if (claimed > MAX_STORAGE_BYTES) {
            throw new TorchFileException(source + ": storage " + TorchUnpickler.printable(s.key()) + " has " + claimed
                    + " bytes, more than one Java array holds");
        }
        return ByteBuffer.wrap(readFully(zip, e, source));
    }

    private static ZipEntry entry(ZipFile zip, String name, String source) throws TorchFileException {
        try {
            return zip.getEntry(name);
        } catch (RuntimeException e) {
            throw new TorchFileException(source + ": damaged zip directory at " + name + " (" + e + ")", e);
        }
    }

    /** The record, checked: present, stored as is (PyTorch never compresses), no larger than the file. */
    private static ZipEntry storedEntry(ZipFile zip, String name, long fileSize, String source) throws TorchFileException {
        ZipEntry e = entry(zip, name, source);
        if (e == null) {
            throw new TorchFileException(source + ": record " + TorchUnpickler.printable(name) + " missing from the archive");
        }
        if (e.getMethod() != ZipEntry.STORED) {
            throw new TorchFileException(source + ": record " + name + " is compressed (zip method " + e.getMethod()
                    + "); torch.save stores its records uncompressed");
        }
        if (e.getSize() < 0 || e.getSize() > fileSize || e.getCompressedSize() != e.getSize()) {
            throw new TorchFileException(source + ": record " + name + " claims " + e.getSize() + " bytes (" + e.getCompressedSize()
                    + " stored) in a file of " + fileSize + " bytes");
        }
        return e;
    }

    /** Reads a record whose size was checked; the array is allocated once, at the checked size. */
    private static byte[] readFully(ZipFile zip, ZipEntry e, String source) throws TorchFileException {
        int size = (int) e.getSize();
        try (InputStream in = zip.getInputStream(e)) {
            byte[] bytes = in.readNBytes(size);
            if (bytes.length != size) {
                throw new TorchFileException(source + ": record " + e.getName() + " ends after " + bytes.length + " of its "
                        + size + " bytes");
            }
            return bytes;
        } catch (TorchFileException x) {
            throw x;
        } catch (IOException | RuntimeException x) {
            throw new TorchFileException(source + ": cannot read record " + e.getName() + " (" + x + ")", x);
        }
    }

    private static byte[] firstBytes(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    // ---- tensors ----

    private static int[] shape(String source, String name, TensorRef t) throws TorchFileException {
        int[] shape = new int[t.size().length];
        long elements = 1;
        for (int d = 0; d < shape.length; d++) {
            elements *= Math.min(t.size()[d], Integer.MAX_VALUE); // stays below 2^62 as long as it is checked each step
            if (t.size()[d] > Integer.MAX_VALUE || elements > Integer.MAX_VALUE) {
                throw new TorchFileException(source + ": tensor " + name + " of size " + Arrays.toString(t.size())
                        + " has more elements than a Java array holds");
            }
            shape[d] = (int) t.size()[d];
        }
        return shape;
    }

    /** The view's elements in row-major order, converted to float32, after checking it lies inside the storage. */
    private static float[] gather(String source, String name, TensorRef t, ByteBuffer storage) throws TorchFileException {
        long[] size = t.size();
        long[] stride = t.stride();
        int n = 1;
        for (long s : size) {
            n *= (int) s; // shape() checked the product
        }
        if (n == 0) {
            return new float[0];
        }
        long last = t.offset();
        try {
            for (int d = 0; d < size.length; d++) {
                last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
            }
        } catch (ArithmeticException e) {
            last = Long.MAX_VALUE;
        }
        if (last >= t.storage().numel()) {
            throw new TorchFileException(source + ": tensor " + name + " (offset " + t.offset() + ", size " + Arrays.toString(size)
                    + ", stride " + Arrays.toString(stride) + ") reaches element " + last + " of a storage of "
                    + t.storage().numel());
        }
        Dtype dtype = t.storage().dtype();
        float[] out = new float[n];
        int rank = size.length;
        long[] index = new long[rank];
        long at = t.offset();
        for (int i = 0; i < n; i++) {
            out[i] = element(storage, dtype, (int) at);
            // odometer over the dimensions, last fastest; `at` follows the strides
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    at += stride[d];
                    break;
                }
                at -= (size[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static float element(ByteBuffer b, Dtype dtype, int index) {
        return switch (dtype) {
            case F32 -> b.getFloat(index << 2);
            case F64 -> (float) b.getDouble(index << 3);
            case F16 -> SafeTensors.halfToFloat(b.getShort(index << 1));
            case BF16 -> Float.intBitsToFloat((b.getShort(index << 1) & 0xffff) << 16);
            default -> throw new IllegalStateException("storage dtype " + dtype); // the unpickler allows only these four
        };
    }
}
