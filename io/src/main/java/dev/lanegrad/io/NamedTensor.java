package dev.lanegrad.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 tensor as stored in a checkpoint: a shape and its row-major values. The arrays are
 * not copied; the record only checks that they fit together.
 */
public record NamedTensor(String name, int[] shape, float[] data) {

    public NamedTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape of tensor " + name);
        Objects.requireNonNull(data, "data of tensor " + name);
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " has more elements than a Java array holds");
            }
        }
        if (size != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " needs " + size
                    + " values, the data has " + data.length);
        }
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** Whether the shape equals the given one. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NamedTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
