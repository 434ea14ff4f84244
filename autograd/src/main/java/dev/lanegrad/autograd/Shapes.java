package dev.lanegrad.autograd;

import java.util.Arrays;

/** Shape arithmetic and the wording of shape errors (always "op: what, and both shapes"). */
final class Shapes {

    private Shapes() {
    }

    /** The shape of a scalar (shared: shapes are never mutated, Tensor.shape() returns a copy). */
    static final int[] SCALAR = new int[0];

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** The number of elements; fails on a negative dimension or more than Integer.MAX_VALUE elements. */
    static int size(String op, int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": shape " + str(shape) + " has a negative dimension");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": shape " + str(shape) + " has more than 2^31 - 1 elements");
            }
        }
        return (int) n;
    }

    static int last(int[] shape) {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** shape with its last dimension replaced. */
    static int[] withLast(int[] shape, int last) {
        int[] s = shape.length == 0 ? new int[1] : shape.clone();
        s[s.length - 1] = last;
        return s;
    }

    /** Whether suffix equals the trailing dimensions of shape. */
    static boolean isSuffix(int[] suffix, int[] shape) {
        if (suffix.length > shape.length) {
            return false;
        }
        int k = shape.length - suffix.length;
        for (int i = 0; i < suffix.length; i++) {
            if (suffix[i] != shape[k + i]) {
                return false;
            }
        }
        return true;
    }

    /** The position of flat index i in shape, as "[a, b, c]". */
    static String position(int[] shape, int i) {
        int[] pos = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = Math.max(1, shape[d]);
            pos[d] = i % n;
            i /= n;
        }
        return str(pos);
    }
}
