package dev.lanegrad.tasks.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The small public data sets bundled with lanegrad as resources, so that the default tasks run without
 * a download. Sources and attribution: {@code README.md} next to them (also {@link #open(String)}able).
 */
public final class BundledData {

    /** Tiny Shakespeare (karpathy/char-rnn), 1,115,394 characters. */
    public static final String TINY_SHAKESPEARE = "tinyshakespeare.txt";
    /** Zurich monthly sunspot numbers 1749-1983, columns "Month","Sunspots". */
    public static final String MONTHLY_SUNSPOTS = "monthly-sunspots.csv";
    /** UCI Sentiment Labelled Sentences (Kotzias et al. 2015), sentence TAB 0/1. */
    public static final List<String> SENTIMENT = List.of("sentiment/amazon_cells_labelled.txt",
            "sentiment/imdb_labelled.txt", "sentiment/yelp_labelled.txt");

    private static final List<String> NAMES = List.of(TINY_SHAKESPEARE, MONTHLY_SUNSPOTS,
            "sentiment/amazon_cells_labelled.txt", "sentiment/imdb_labelled.txt", "sentiment/yelp_labelled.txt",
            "sentiment/readme.txt", "README.md");

    private BundledData() {
    }

    /** The names {@link #open(String)} accepts. */
    public static List<String> names() {
        return NAMES;
    }

    /** Opens a bundled file; the caller closes it. */
    public static InputStream open(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no bundled data named \"" + name + "\"; there are: " + String.join(", ", NAMES));
        }
        InputStream in = BundledData.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("bundled data " + name + " is missing from the class path (a broken build?)");
        }
        return in;
    }

    /** A UTF-8 reader over a bundled file; the caller closes it. */
    public static BufferedReader reader(String name) {
        return new BufferedReader(new InputStreamReader(open(name), StandardCharsets.UTF_8));
    }

    /** A bundled file's whole text. */
    public static String text(String name) {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading bundled data " + name, e);
        }
    }

    /** The bundled monthly sunspot numbers as a table. */
    public static CsvTable sunspots() {
        try (BufferedReader r = reader(MONTHLY_SUNSPOTS)) {
            return CsvTable.read(r, MONTHLY_SUNSPOTS);
        } catch (IOException e) {
            throw new UncheckedIOException("reading bundled data " + MONTHLY_SUNSPOTS, e);
        }
    }

    /** The three bundled sentiment files as one data set of 3,000 sentences, labels "0" and "1". */
    public static LabelledText sentiment() {
        try {
            List<LabelledText> parts = new java.util.ArrayList<>();
            for (String name : SENTIMENT) {
                try (BufferedReader r = reader(name)) {
                    parts.add(LabelledText.readTsv(r, name));
                }
            }
            return LabelledText.concat("sentiment", parts);
        } catch (IOException e) {
            throw new UncheckedIOException("reading bundled sentiment data", e);
        }
    }
}
