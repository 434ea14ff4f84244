package dev.lanegrad.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CharVocabularyTest {

    @Property
    void encodeThenDecodeGivesTheText(@ForAll @StringLength(min = 1, max = 200) String text) {
        CharVocabulary v = CharVocabulary.of(text);
        assertEquals(text, v.decode(v.encode(text)));
        assertEquals(text.codePoints().distinct().count(), v.size());
    }

    @Property
    void serializedFormReadsBack(@ForAll @StringLength(min = 1, max = 100) String text) {
        CharVocabulary v = CharVocabulary.of(text);
        CharVocabulary back = CharVocabulary.parse(v.serialize());
        assertEquals(v, back);
        assertArrayEquals(v.encode(text), back.encode(text));
    }

    @Property
    void idsFollowTheCharacterOrder(@ForAll @StringLength(min = 2, max = 100) String text) {
        CharVocabulary v = CharVocabulary.of(text);
        for (int id = 1; id < v.size(); id++) {
            assertTrue(v.codePoint(id - 1) < v.codePoint(id));
        }
    }

    @Test
    void shakespeareHas65Characters() {
        String text = BundledData.text(BundledData.TINY_SHAKESPEARE);
        CharVocabulary v = CharVocabulary.of(text);
        assertEquals(65, v.size());
        assertEquals("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", v.serialize());
        assertEquals(0, v.id('\n'));
        assertEquals(1_115_394, v.encode(text).length);
    }

    @Test
    void unknownCharacterIsNamedWithItsPosition() {
        CharVocabulary v = CharVocabulary.of(BundledData.text(BundledData.TINY_SHAKESPEARE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("To be or not to bé"));
        assertEquals("character 'é' (U+00E9) at position 17 is not in the vocabulary of 65 characters", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.encode("a\tb"));
        assertEquals("character '\\t' (U+0009) at position 1 is not in the vocabulary of 65 characters", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.id('~'));
        assertEquals("character '~' (U+007E) is not in the vocabulary of 65 characters", e.getMessage());
    }

    @Test
    void positionsCountCharactersNotUtf16Units() {
        CharVocabulary v = CharVocabulary.of("ab\uD83D\uDE00");
        assertEquals(3, v.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("\uD83D\uDE00ac"));
        assertEquals("character 'c' (U+0063) at position 2 is not in the vocabulary of 3 characters", e.getMessage());
    }

    @Test
    void badIdsAndBadSerializedForms() {
        CharVocabulary v = CharVocabulary.of("abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.decode(new int[] {0, 97}));
        assertEquals("token id 97 outside a vocabulary of 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CharVocabulary.parse("abca"));
        assertEquals("not a character vocabulary: character 'a' (U+0061) at position 3 is out of order "
                + "(expected distinct characters in increasing order)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.parse(""));
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(""));
    }
}
