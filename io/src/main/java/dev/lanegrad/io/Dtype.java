package dev.lanegrad.io;

/**
 * The element types a safetensors header may name, with their sizes in bytes. lanegrad computes in
 * float32 and converts F16, BF16 and F64 to it when reading; the other types are validated (so that
 * a file's offsets can be checked) but not loaded.
 */
public enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    F64(8), I64(8), U64(8);

    private final int bytes;

    Dtype(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Whether {@link SafeTensors#read} converts this type to float32. */
    public boolean loadable() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The dtype named in a header, or null when the name is unknown. */
    static Dtype byName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
