package dev.lanegrad.tasks.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word ids for text classification: {@code <pad>} = 0, {@code <unk>} = 1, then the words seen at least
 * {@code minFrequency} times in the training texts, most frequent first (ties alphabetical), so ids are
 * reproducible. {@link #serialize()} (one word per line) and {@link #parse(String)} keep it in a checkpoint.
 */
public final class WordVocabulary {

    public static final int PAD = 0;
    public static final int UNK = 1;
    public static final String PAD_TOKEN = "<pad>";
    public static final String UNK_TOKEN = "<unk>";

    private final List<String> words;
    private final Map<String, Integer> ids;

    private WordVocabulary(List<String> words) {
        this.words = List.copyOf(words);
        this.ids = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            if (ids.put(words.get(i), i) != null) {
                throw new IllegalArgumentException("not a word vocabulary: \"" + words.get(i) + "\" appears twice");
            }
        }
    }

    /** Builds from tokenized training texts; {@code maxSize} (0 = no limit) caps the size, special tokens included. */
    public static WordVocabulary build(Iterable<List<String>> texts, int minFrequency, int maxSize) {
        if (minFrequency < 1 || maxSize < 0 || maxSize == 1 || maxSize == 2) {
            throw new IllegalArgumentException("min frequency " + minFrequency + " must be >= 1 and max size " + maxSize
                    + " 0 (no limit) or > 2");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> text : texts) {
            for (String w : text) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> kept = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minFrequency && !e.getKey().equals(PAD_TOKEN) && !e.getKey().equals(UNK_TOKEN)) {
                kept.add(e);
            }
        }
        kept.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> words = new ArrayList<>(List.of(PAD_TOKEN, UNK_TOKEN));
        for (Map.Entry<String, Integer> e : kept) {
            if (maxSize > 0 && words.size() == maxSize) {
                break;
            }
            words.add(e.getKey());
        }
        return new WordVocabulary(words);
    }

    public static WordVocabulary parse(String serialized) {
        List<String> words = List.of(serialized.split("\n", -1));
        if (words.size() < 2 || !words.get(PAD).equals(PAD_TOKEN) || !words.get(UNK).equals(UNK_TOKEN)) {
            throw new IllegalArgumentException("not a word vocabulary: expected " + PAD_TOKEN + " and " + UNK_TOKEN
                    + " on the first two lines");
        }
        return new WordVocabulary(words);
    }

    /** One word per line, in id order. */
    public String serialize() {
        return String.join("\n", words);
    }

    public int size() {
        return words.size();
    }

    /** The id of a word, {@link #UNK} when unknown. */
    public int id(String word) {
        return ids.getOrDefault(word, UNK);
    }

    public String word(int id) {
        if (id < 0 || id >= words.size()) {
            throw new IllegalArgumentException("token id " + id + " outside a vocabulary of " + words.size());
        }
        return words.get(id);
    }

    public List<String> words() {
        return Collections.unmodifiableList(words);
    }

    public int[] encode(List<String> tokens) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(tokens.get(i));
        }
        return out;
    }

    /**
     * Pads the given sequences into a time-major batch {@code [T, B]} with T the longest length (at most
     * {@code maxLength}; longer sequences are cut), {@link #PAD} after each sequence's end. A sequence
     * of length 0 becomes a single {@code <unk>}, so that every column has at least one real step.
     */
    public static TextBatch pad(List<int[]> sequences, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("max length " + maxLength + " must be positive");
        }
        int b = sequences.size();
        int[] lengths = new int[b];
        int t = 1;
        for (int j = 0; j < b; j++) {
            lengths[j] = Math.max(1, Math.min(maxLength, sequences.get(j).length));
            t = Math.max(t, lengths[j]);
        }
        int[] tokens = new int[t * b]; // PAD = 0
        for (int j = 0; j < b; j++) {
            int[] s = sequences.get(j);
            if (s.length == 0) {
                tokens[j] = UNK;
            }
            for (int k = 0; k < lengths[j] && k < s.length; k++) {
                tokens[k * b + j] = s[k];
            }
        }
        return new TextBatch(tokens, lengths, t, b);
    }
}
