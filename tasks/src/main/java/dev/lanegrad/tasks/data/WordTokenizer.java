package dev.lanegrad.tasks.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits text into lowercase words: maximal runs of letters and digits, where an apostrophe (' or ’)
 * between two of them stays inside the word ("don't", "rock'n'roll") and any other character separates
 * words. ’ is written as '. Stateless and thread-safe.
 */
public final class WordTokenizer {

    private WordTokenizer() {
    }

    public static List<String> tokenize(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                word.appendCodePoint(cp);
            } else if (isApostrophe(cp) && word.length() > 0 && next < s.length()
                    && Character.isLetterOrDigit(s.codePointAt(next))) {
                word.append('\'');
            } else if (word.length() > 0) {
                words.add(word.toString());
                word.setLength(0);
            }
            i = next;
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    private static boolean isApostrophe(int cp) {
        return cp == '\'' || cp == '\u2019';
    }
}
