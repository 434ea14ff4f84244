package dev.lanegrad.tasks.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * Labelled texts read from TSV lines {@code text<TAB>label} (the UCI sentiment sentences, for one).
 * The label is what follows the last tab, so a text may contain tabs; both are trimmed. Labels can be
 * any strings; {@link #labels()} lists them sorted, and a label's class index is its position there.
 */
public final class LabelledText {

    /** One example. */
    public record Example(String text, String label) {
    }

    private final String source;
    private final List<Example> examples;
    private final List<String> labels;

    public LabelledText(String source, List<Example> examples) {
        this.source = source;
        this.examples = List.copyOf(examples);
        TreeSet<String> set = new TreeSet<>();
        examples.forEach(e -> set.add(e.label()));
        this.labels = List.copyOf(set);
    }

    public static LabelledText readTsv(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return readTsv(r, file.toString());
        }
    }

    /** Reads {@code text<TAB>label} lines; blank lines are skipped; {@code source} names the input in messages. */
    public static LabelledText readTsv(Reader reader, String source) throws IOException {
        BufferedReader r = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<Example> examples = new ArrayList<>();
        String line;
        int lineNumber = 0;
        while ((line = r.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            int tab = line.lastIndexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException(source + " line " + lineNumber
                        + ": no tab between the text and the label (expected text<TAB>label)");
            }
            String label = line.substring(tab + 1).strip();
            if (label.isEmpty()) {
                throw new IllegalArgumentException(source + " line " + lineNumber + ": empty label after the tab");
            }
            examples.add(new Example(line.substring(0, tab).strip(), label));
        }
        return new LabelledText(source, examples);
    }

    /** Several files as one data set (e.g. the IMDb, Amazon and Yelp sentences). */
    public static LabelledText concat(String source, List<LabelledText> parts) {
        List<Example> all = new ArrayList<>();
        parts.forEach(p -> all.addAll(p.examples()));
        return new LabelledText(source, all);
    }

    public String source() {
        return source;
    }

    public List<Example> examples() {
        return examples;
    }

    public int size() {
        return examples.size();
    }

    /** The distinct labels, sorted; a label's class index is its position. */
    public List<String> labels() {
        return labels;
    }

    /** The class index of a label. */
    public int labelIndex(String label) {
        int i = Collections.binarySearch(labels, label);
        if (i < 0) {
            throw new IllegalArgumentException("label \"" + label + "\" is not one of " + labels);
        }
        return i;
    }

    /** The class index of every example. */
    public int[] labelIndices() {
        int[] out = new int[examples.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = labelIndex(examples.get(i).label());
        }
        return out;
    }
}
