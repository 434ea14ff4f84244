package dev.lanegrad.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A checkpoint as bytes: a single file (a recurrent stack's {@code .safetensors}) or the files of a checkpoint
 * folder (model.safetensors, config.json, vocab.txt), read once on the driver and broadcast to the executors,
 * with the SHA-256 of their names and contents as the key executors cache the loaded model under.
 */
public final class ModelBytes implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Larger checkpoints than this are refused before reading: a broadcast lives in every executor's memory. */
    static final long MAX_BYTES = 1L << 30;

    private final boolean folder;
    private final Map<String, byte[]> files;
    private final String sha256;

    private ModelBytes(boolean folder, Map<String, byte[]> files) {
        this.folder = folder;
        this.files = Collections.unmodifiableMap(files);
        this.sha256 = hash(folder, files);
    }

    /** Reads a checkpoint file, or every regular file directly inside a checkpoint folder. */
    public static ModelBytes read(Path fileOrFolder) throws IOException {
        if (Files.isRegularFile(fileOrFolder)) {
            Map<String, byte[]> one = new LinkedHashMap<>();
            one.put(fileOrFolder.getFileName().toString(), readChecked(fileOrFolder));
            return new ModelBytes(false, one);
        }
        if (!Files.isDirectory(fileOrFolder)) {
            throw new IllegalArgumentException("model " + fileOrFolder + ": no such file or folder; expected a checkpoint folder "
                    + "(model.safetensors, config.json ...) or a recurrent layer's .safetensors file");
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.list(fileOrFolder)) {
            s.filter(Files::isRegularFile).sorted().forEach(paths::add);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Path p : paths) {
            String name = p.getFileName().toString();
            if (!name.startsWith(".") && !name.endsWith(".png") && !name.endsWith(".jsonl")) { // plots and logs are not model
                files.put(name, readChecked(p));
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("model folder " + fileOrFolder + " holds no files; expected a checkpoint folder");
        }
        return new ModelBytes(true, files);
    }

    /** The files of a checkpoint folder (folder) or one checkpoint file, e.g. as Spark ML persistence saved them. */
    public static ModelBytes of(boolean folder, Map<String, byte[]> files) {
        if (files.isEmpty() || !folder && files.size() != 1) {
            throw new IllegalArgumentException((folder ? "a checkpoint folder of " : "a checkpoint file of ") + files.size()
                    + " files; expected " + (folder ? "at least one" : "one"));
        }
        return new ModelBytes(folder, new LinkedHashMap<>(files));
    }

    private static byte[] readChecked(Path p) throws IOException {
        long size = Files.size(p);
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("model file " + p + " has " + size + " bytes, more than the " + MAX_BYTES
                    + " a broadcast checkpoint may have");
        }
        return Files.readAllBytes(p);
    }

    public boolean isFolder() {
        return folder;
    }

    /** File name to contents (do not modify the arrays). */
    public Map<String, byte[]> files() {
        return files;
    }

    /** Hex SHA-256 over the names and contents. */
    public String sha256() {
        return sha256;
    }

    public long size() {
        long n = 0;
        for (byte[] b : files.values()) {
            n += b.length;
        }
        return n;
    }

    private static String hash(boolean folder, Map<String, byte[]> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((byte) (folder ? 1 : 0));
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(java.nio.ByteBuffer.allocate(8).putLong(e.getValue().length).array());
                md.update(e.getValue());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return (folder ? "checkpoint folder " : "checkpoint file ") + files.keySet() + " (" + size() + " bytes, sha256 "
                + sha256.substring(0, 12) + ")";
    }
}
