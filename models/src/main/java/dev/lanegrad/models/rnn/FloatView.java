package dev.lanegrad.models.rnn;

import java.util.Arrays;

/**
 * A row-major tensor living in a range of a float array: data[offset, offset + size) with a shape.
 * The layer reads and writes through views so that a tape can hand over its tensors' storage as it is.
 */
public record FloatView(float[] data, int offset, int[] shape) {

    public FloatView {
        if (data == null) {
            throw new IllegalArgumentException("data is null");
        }
        if (shape == null) {
            throw new IllegalArgumentException("shape is null");
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            n *= d;
        }
        if (offset < 0 || offset + n > data.length) {
            throw new IllegalArgumentException("a tensor of shape " + Arrays.toString(shape) + " at offset " + offset
                    + " needs " + (offset + n) + " elements, but the array has " + data.length);
        }
    }

    /** A view of the whole array from offset 0. */
    public static FloatView of(float[] data, int... shape) {
        return new FloatView(data, 0, shape);
    }

    /** A new zero-filled tensor. */
    public static FloatView zeros(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return new FloatView(new float[Math.toIntExact(n)], 0, shape.clone());
    }

    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public int dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    /** The elements as a new array (for tests and small tools). */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size());
    }

    @Override
    public String toString() {
        return "FloatView" + Arrays.toString(shape) + "@" + offset;
    }
}
