package dev.lanegrad.spark;

import java.util.List;

/**
 * Reads an array cell of a Row as floats. Spark hands array columns over as Scala Seqs after its own
 * deserialisation, but as whatever the producing function stored (float[], double[], java.util.List...) when the
 * optimiser drops a serialise/deserialise pair, so every form is accepted.
 */
public final class Cells {

    private Cells() {
    }

    /** The number of elements of an array cell. */
    public static int length(Object cell, String column) {
        if (cell instanceof float[] f) {
            return f.length;
        }
        if (cell instanceof double[] d) {
            return d.length;
        }
        return list(cell, column).size();
    }

    /** A one-dimensional numeric array cell as floats. */
    public static float[] floats(Object cell, String column) {
        if (cell instanceof float[] f) {
            return f;
        }
        if (cell instanceof double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        List<?> l = list(cell, column);
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = number(l.get(i), column).floatValue();
        }
        return f;
    }

    /** Element i of an array cell (a number, or a nested array). */
    public static Object element(Object cell, int i, String column) {
        if (cell instanceof float[] f) {
            return f[i];
        }
        if (cell instanceof double[] d) {
            return d[i];
        }
        return list(cell, column).get(i);
    }

    /** An array cell of any form as a List view (no copy for Seqs and Lists). */
    public static List<?> list(Object cell, String column) {
        if (cell == null) {
            throw new IllegalArgumentException("column " + column + " holds a null, expected an array");
        }
        if (cell instanceof List<?> l) {
            return l;
        }
        if (cell instanceof scala.collection.Seq<?> s) {
            return scala.jdk.javaapi.CollectionConverters.asJava(s);
        }
        if (cell instanceof Object[] a) {
            return java.util.Arrays.asList(a);
        }
        if (cell instanceof float[] || cell instanceof double[]) {
            return java.util.Arrays.asList(boxed(cell));
        }
        throw new IllegalArgumentException("column " + column + " holds a " + cell.getClass().getSimpleName() + ", expected an array");
    }

    private static Object[] boxed(Object primitive) {
        int n = java.lang.reflect.Array.getLength(primitive);
        Object[] o = new Object[n];
        for (int i = 0; i < n; i++) {
            o[i] = java.lang.reflect.Array.get(primitive, i);
        }
        return o;
    }

    private static Number number(Object o, String column) {
        if (o instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("column " + column + " holds " + o + " where a number was expected");
    }
}
