package dev.lanegrad.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One golden case in the format of shared/parity/README.md: top-level fields (module, sizes, ...)
 * and named tensors, each a shape and row-major data. Float data is read as double so that a
 * float64 file keeps its precision; {@link #floats(String)} rounds to float32.
 */
public final class ParityCase {

    /** A named tensor of the case: its shape and row-major values. */
    public record Entry(int[] shape, double[] data) {
        public int size() {
            return data.length;
        }
    }

    private final String source;
    private final Map<String, Object> fields;
    private final Map<String, Entry> tensors;

    private ParityCase(String source, Map<String, Object> fields, Map<String, Entry> tensors) {
        this.source = source;
        this.fields = fields;
        this.tensors = tensors;
    }

    /** Whether a parsed JSON object is a parity case (index.json and other files are not). */
    public static boolean isCase(Map<String, Object> json) {
        return json.get("tensors") instanceof Map;
    }

    public static ParityCase read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return parse(file.getFileName().toString(), Json.parseObject(text));
    }

    /** A case on the class path of {@code anchor} (e.g. "/parity/gru_L1_f64.json"): how tests read the golden files. */
    public static ParityCase readResource(Class<?> anchor, String resource) throws IOException {
        try (java.io.InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new java.io.FileNotFoundException("no resource " + resource + " on the class path of " + anchor.getName());
            }
            String name = resource.substring(resource.lastIndexOf('/') + 1);
            return parse(name, Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @SuppressWarnings("unchecked")
    public static ParityCase parse(String source, Map<String, Object> json) {
        if (!isCase(json)) {
            throw new IllegalArgumentException(source + ": not a parity case (no \"tensors\" object)");
        }
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) json.get("tensors")).entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                throw new IllegalArgumentException(source + ": tensor " + e.getKey() + " is " + Json.typeName(e.getValue()) + ", expected an object");
            }
            Map<String, Object> t = (Map<String, Object>) e.getValue();
            int[] shape = toShape(source, e.getKey(), t.get("shape"));
            double[] data = toData(source, e.getKey(), t.get("data"));
            long expected = 1;
            for (int d : shape) {
                expected = Math.min(Long.MAX_VALUE / Math.max(1, Integer.MAX_VALUE), expected) * d; // cannot overflow
            }
            if (expected != data.length) {
                throw new IllegalArgumentException(source + ": tensor " + e.getKey() + " has " + data.length
                        + " values but its shape " + java.util.Arrays.toString(shape) + " needs " + expected);
            }
            tensors.put(e.getKey(), new Entry(shape, data));
        }
        return new ParityCase(source, json, tensors);
    }

    private static int[] toShape(String source, String name, Object value) {
        if (!(value instanceof List)) {
            throw new IllegalArgumentException(source + ": tensor " + name + " has no shape array");
        }
        List<?> list = (List<?>) value;
        int[] shape = new int[list.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(list.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(source + ": tensor " + name + " has shape " + list
                        + "; expected non-negative whole numbers");
            }
            shape[i] = (int) (long) d;
        }
        return shape;
    }

    private static double[] toData(String source, String name, Object value) {
        if (!(value instanceof List)) {
            throw new IllegalArgumentException(source + ": tensor " + name + " has no data array");
        }
        List<?> list = (List<?>) value;
        double[] data = new double[list.size()];
        for (int i = 0; i < data.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw new IllegalArgumentException(source + ": tensor " + name + " has " + Json.typeName(list.get(i))
                        + " at data[" + i + "], expected a number");
            }
            data[i] = n.doubleValue();
        }
        return data;
    }

    public String source() {
        return source;
    }

    public boolean has(String tensor) {
        return tensors.containsKey(tensor);
    }

    public Map<String, Entry> tensors() {
        return tensors;
    }

    public Entry tensor(String name) {
        Entry e = tensors.get(name);
        if (e == null) {
            throw new IllegalArgumentException(source + ": tensor " + name + " is missing");
        }
        return e;
    }

    public int[] shape(String name) {
        return tensor(name).shape();
    }

    /** The tensor's values rounded to float32. */
    public float[] floats(String name) {
        double[] d = tensor(name).data();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    public double[] doubles(String name) {
        return tensor(name).data();
    }

    public int[] ints(String name) {
        double[] d = tensor(name).data();
        int[] v = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = (int) d[i];
        }
        return v;
    }

    /** A top-level field, or null. */
    public Object field(String name) {
        return fields.get(name);
    }

    public String string(String name) {
        Object v = fields.get(name);
        return v == null ? null : v.toString();
    }

    public int integer(String name) {
        Object v = fields.get(name);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException(source + ": field " + name + " is " + Json.typeName(v) + ", expected a number");
        }
        return ((Number) v).intValue();
    }

    public boolean flag(String name) {
        return Boolean.TRUE.equals(fields.get(name));
    }
}
