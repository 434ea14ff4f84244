package dev.lanegrad.tasks.data;

import java.util.Arrays;

/**
 * The distinct characters (Unicode code points) of a text, sorted, each with an id: id i is the i-th
 * smallest character. Immutable; {@link #serialize()} gives the characters themselves as a string, which
 * {@link #parse(String)} reads back, so a checkpoint can keep its vocabulary in its metadata.
 */
public final class CharVocabulary {

    private final int[] codePoints; // sorted, distinct
    private final int[] ascii;      // id of code points < 128, or -1

    private CharVocabulary(int[] codePoints) {
        this.codePoints = codePoints;
        this.ascii = new int[128];
        Arrays.fill(ascii, -1);
        for (int i = 0; i < codePoints.length; i++) {
            if (codePoints[i] < 128) {
                ascii[codePoints[i]] = i;
            }
        }
    }

    /** The vocabulary of the characters of a text. */
    public static CharVocabulary of(CharSequence text) {
        int[] cps = text.codePoints().sorted().distinct().toArray();
        if (cps.length == 0) {
            throw new IllegalArgumentException("cannot build a vocabulary from an empty text");
        }
        return new CharVocabulary(cps);
    }

    /** Reads what {@link #serialize()} wrote: the distinct characters in increasing order. */
    public static CharVocabulary parse(String characters) {
        int[] cps = characters.codePoints().toArray();
        if (cps.length == 0) {
            throw new IllegalArgumentException("not a character vocabulary: the string is empty");
        }
        for (int i = 1; i < cps.length; i++) {
            if (cps[i] <= cps[i - 1]) {
                throw new IllegalArgumentException("not a character vocabulary: character " + describe(cps[i])
                        + " at position " + i + (cps[i] == cps[i - 1] ? " repeats" : " is out of order")
                        + " (expected distinct characters in increasing order)");
            }
        }
        return new CharVocabulary(cps);
    }

    /** The characters in id order, as one string. */
    public String serialize() {
        return new String(codePoints, 0, codePoints.length);
    }

    public int size() {
        return codePoints.length;
    }

    public boolean contains(int codePoint) {
        return idOrMinus1(codePoint) >= 0;
    }

    /** The id of a character, or an exception when it is not in the vocabulary. */
    public int id(int codePoint) {
        int id = idOrMinus1(codePoint);
        if (id < 0) {
            throw new IllegalArgumentException("character " + describe(codePoint) + " is not in the vocabulary of "
                    + size() + " characters");
        }
        return id;
    }

    private int idOrMinus1(int cp) {
        if (cp >= 0 && cp < 128) {
            return ascii[cp];
        }
        int i = Arrays.binarySearch(codePoints, cp);
        return i >= 0 ? i : -1;
    }

    /** The character (code point) of an id. */
    public int codePoint(int id) {
        if (id < 0 || id >= codePoints.length) {
            throw new IllegalArgumentException("token id " + id + " outside a vocabulary of " + size());
        }
        return codePoints[id];
    }

    /** The ids of a text's characters; the error names the first character that is not in the vocabulary. */
    public int[] encode(CharSequence text) {
        int[] ids = new int[(int) text.codePoints().count()];
        int position = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            int id = idOrMinus1(cp);
            if (id < 0) {
                throw new IllegalArgumentException("character " + describe(cp) + " at position " + position
                        + " is not in the vocabulary of " + size() + " characters");
            }
            ids[position++] = id;
            i += Character.charCount(cp);
        }
        return ids;
    }

    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    public String decode(int[] ids, int offset, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = offset; i < offset + length; i++) {
            sb.appendCodePoint(codePoint(ids[i]));
        }
        return sb.toString();
    }

    /** A character for a message: {@code 'é' (U+00E9)}, {@code '\n' (U+000A)}. */
    static String describe(int cp) {
        String shown;
        switch (cp) {
            case '\n': shown = "\\n"; break;
            case '\r': shown = "\\r"; break;
            case '\t': shown = "\\t"; break;
            default:
                shown = Character.isISOControl(cp) || !Character.isDefined(cp) ? "?" : new String(Character.toChars(cp));
        }
        return "'" + shown + "' (U+" + String.format("%04X", cp) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharVocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "CharVocabulary[" + size() + " characters]";
    }
}
