package dev.lanegrad.autograd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON reader for the golden files of shared/parity (objects, arrays, numbers, strings,
 * true/false/null; no escapes beyond the simple ones), test-only: autograd cannot depend on models.
 */
final class ParityJson {

    /** One golden case: its tensors by name. */
    record Case(Map<String, Object> root) {

        int[] shape(String name) {
            List<?> s = (List<?>) tensor(name).get("shape");
            int[] r = new int[s.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = ((Number) s.get(i)).intValue();
            }
            return r;
        }

        double[] values(String name) {
            List<?> d = (List<?>) tensor(name).get("data");
            double[] r = new double[d.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = ((Number) d.get(i)).doubleValue();
            }
            return r;
        }

        int[] ints(String name) {
            double[] v = values(name);
            int[] r = new int[v.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = (int) v[i];
            }
            return r;
        }

        /** The tensor as a float32 leaf (exact: the inputs of both files are float32 values). */
        Tensor tensor32(String name) {
            double[] v = values(name);
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) v[i];
            }
            return Tensor.fromArray(f, shape(name)).named(name);
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> tensor(String name) {
            Map<String, Object> t = (Map<String, Object>) ((Map<String, Object>) root.get("tensors")).get(name);
            if (t == null) {
                throw new IllegalArgumentException("golden case has no tensor '" + name + "'");
            }
            return t;
        }
    }

    static Case load(String resource) throws IOException {
        try (InputStream in = ParityJson.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) new ParityJson(new String(in.readAllBytes(), StandardCharsets.UTF_8)).value();
            return new Case(root);
        }
    }

    private final String s;
    private int i;

    private ParityJson(String s) {
        this.s = s;
    }

    private Object value() {
        skip();
        char c = s.charAt(i);
        switch (c) {
            case '{': {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    skip();
                    String key = string();
                    skip();
                    expect(':');
                    m.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}') {
                        return m;
                    }
                }
            }
            case '[': {
                List<Object> l = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']') {
                        return l;
                    }
                }
            }
            case '"':
                return string();
            case 't':
                i += 4;
                return Boolean.TRUE;
            case 'f':
                i += 5;
                return Boolean.FALSE;
            case 'n':
                i += 4;
                return null;
            default: {
                int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                return Double.parseDouble(s.substring(start, i));
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (s.charAt(i) != '"') {
            char c = s.charAt(i++);
            if (c == '\\') {
                char e = s.charAt(i++);
                sb.append(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'u' ? (char) Integer.parseInt(s.substring(i, i += 4), 16) : e);
            } else {
                sb.append(c);
            }
        }
        i++;
        return sb.toString();
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalArgumentException("JSON: expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
        }
        i++;
    }

    private void skip() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }
}
