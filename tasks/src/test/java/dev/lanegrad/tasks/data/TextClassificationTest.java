package dev.lanegrad.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TextClassificationTest {

    @Test
    void readsTsvWithAnyLabels() throws IOException {
        LabelledText d = LabelledText.readTsv(new StringReader("Great movie!\tpos\n\nawful\t plot \tneg\nmeh\tneutral\n"), "t.tsv");
        assertEquals(3, d.size());
        assertEquals(List.of("neg", "neutral", "pos"), d.labels());
        assertEquals("awful\t plot", d.examples().get(1).text());
        assertArrayEquals(new int[] {2, 0, 1}, d.labelIndices());
    }

    @Test
    void lineWithoutATabNamesItsNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelledText.readTsv(new StringReader("good\t1\n\nbad 0\n"), "reviews.tsv"));
        assertEquals("reviews.tsv line 3: no tab between the text and the label (expected text<TAB>label)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LabelledText.readTsv(new StringReader("good\t \n"), "r.tsv"));
        assertEquals("r.tsv line 1: empty label after the tab", e.getMessage());
    }

    @Test
    void bundledSentimentIsBalanced() {
        LabelledText d = BundledData.sentiment();
        assertEquals(3000, d.size());
        assertEquals(List.of("0", "1"), d.labels());
        assertEquals(1500, d.examples().stream().filter(x -> x.label().equals("1")).count());
    }

    @Test
    void tokenizerExamples() {
        assertEquals(List.of("don't", "panic", "it's", "rock'n'roll", "1990s"),
                WordTokenizer.tokenize("Don't PANIC -- it’s 'rock'n'roll' (1990s)!"));
        assertEquals(List.of("a", "very", "very", "slow", "moving", "movie"),
                WordTokenizer.tokenize("A very, very slow-moving movie.  "));
        assertEquals(List.of("café", "naïve"), WordTokenizer.tokenize("Café NAÏVE"));
        assertEquals(List.of(), WordTokenizer.tokenize(" '' ... "));
    }

    @Property
    void tokensAreLowercaseAndHaveNoSeparators(@ForAll String text) {
        for (String w : WordTokenizer.tokenize(text)) {
            assertTrue(!w.isEmpty());
            assertTrue(w.codePoints().allMatch(c -> Character.isLetterOrDigit(c) || c == '\''), w);
            assertTrue(!w.startsWith("'") && !w.endsWith("'"), w);
            assertEquals(w, w.toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void vocabularyOrderMinFrequencyAndSpecialTokens() {
        List<List<String>> texts = List.of(WordTokenizer.tokenize("the cat sat on the mat"),
                WordTokenizer.tokenize("the dog sat"), WordTokenizer.tokenize("a cat"));
        WordVocabulary v = WordVocabulary.build(texts, 2, 0);
        assertEquals(List.of("<pad>", "<unk>", "the", "cat", "sat"), v.words());
        assertArrayEquals(new int[] {2, 1, 4}, v.encode(WordTokenizer.tokenize("The dog sat")));
        assertEquals(WordVocabulary.UNK, v.id("zebra"));
        assertEquals(v.words(), WordVocabulary.parse(v.serialize()).words());
        assertEquals(List.of("<pad>", "<unk>", "the"), WordVocabulary.build(texts, 1, 3).words());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.word(7));
        assertEquals("token id 7 outside a vocabulary of 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.parse("cat\ndog"));
    }

    @Test
    void paddedBatchIsTimeMajorWithLengths() {
        TextBatch b = WordVocabulary.pad(List.of(new int[] {5, 6, 7}, new int[] {8}, new int[0], new int[] {2, 3, 4, 5, 6}), 4);
        assertEquals(4, b.seqLen());
        assertEquals(4, b.batch());
        assertArrayEquals(new int[] {3, 1, 1, 4}, b.lengths());
        assertArrayEquals(new int[] {
            5, 8, 1, 2,
            6, 0, 0, 3,
            7, 0, 0, 4,
            0, 0, 0, 5}, b.tokens());
        assertEquals(7, b.token(2, 0));
    }

    @Test
    void sentimentEndToEnd() {
        LabelledText d = BundledData.sentiment();
        List<List<String>> tokens = d.examples().stream().map(x -> WordTokenizer.tokenize(x.text())).collect(Collectors.toList());
        WordVocabulary v = WordVocabulary.build(tokens, 2, 0);
        assertTrue(v.size() > 1000 && v.size() < 5000, "vocabulary of " + v.size());
        TextBatch b = WordVocabulary.pad(tokens.subList(0, 32).stream().map(v::encode).collect(Collectors.toList()), 64);
        assertEquals(32, b.batch());
    }
}
