package dev.lanegrad.io;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a pickle as {@link TorchUnpickler} reads them: little-endian ints, lengths, UTF-8 and GLOBAL
 * names, each checked against what is left before it is read, so a truncated or lying pickle ends in a
 * {@link TorchFileException} naming the byte, never in an index error or a large allocation.
 */
final class PickleBytes {

    private final String source;
    private final byte[] in;
    private final int maxNameLength;
    private int pos;

    PickleBytes(String source, byte[] pickle, int maxNameLength) {
        this.source = source;
        this.in = pickle;
        this.maxNameLength = maxNameLength;
    }

    /** Where the next read starts. */
    int position() {
        return pos;
    }

    void need(int n) throws TorchFileException {
        if (n > in.length - pos) {
            throw fail(pos, "the pickle ends after " + in.length + " bytes, " + n + " more were expected");
        }
    }

    int u8() throws TorchFileException {
        need(1);
        return in[pos++] & 0xff;
    }

    void skip(int n) throws TorchFileException {
        need(n);
        pos += n;
    }

    int i32() throws TorchFileException {
        need(4);
        int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    long u32() throws TorchFileException {
        return i32() & 0xffffffffL;
    }

    long u64(int at) throws TorchFileException {
        long lo = u32();
        long hi = u32();
        if (hi != 0) {
            throw fail(at, "a length of more than 4 GB");
        }
        return lo;
    }

    long bigEndianLong(int at) throws TorchFileException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    long long1(int at) throws TorchFileException {
        int n = u8();
        if (n > 8) {
            throw fail(at, "an int of " + n + " bytes; lanegrad reads ints of up to 8 bytes");
        }
        need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (in[pos + i] & 0xff);
        }
        if (n > 0 && n < 8 && (in[pos + n - 1] & 0x80) != 0) {
            v |= -1L << (8 * n); // sign-extend
        }
        pos += n;
        return v;
    }

    String utf8(int at, long length) throws TorchFileException {
        if (length > in.length - pos) {
            throw fail(at, "a string of " + length + " bytes, but only " + (in.length - pos) + " bytes remain");
        }
        int n = (int) length;
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(in, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw fail(at, "a string that is not UTF-8");
        }
    }

    /** A GLOBAL operand: printable ASCII up to a newline. */
    String line(int at) throws TorchFileException {
        int start = pos;
        while (pos < in.length && pos - start <= maxNameLength && in[pos] != '\n') {
            int b = in[pos] & 0xff;
            if (b < 0x20 || b > 0x7e) {
                throw fail(at, "GLOBAL name with byte 0x" + Integer.toHexString(b) + ", expected printable ASCII");
            }
            pos++;
        }
        if (pos >= in.length || in[pos] != '\n') {
            throw fail(at, "GLOBAL name not ended by a newline within " + maxNameLength + " bytes");
        }
        String s = new String(in, start, pos - start, StandardCharsets.US_ASCII);
        pos++;
        return s;
    }

    TorchFileException fail(int at, String message) {
        return new TorchFileException(source + ": data.pkl at byte " + at + ": " + message);
    }
}
