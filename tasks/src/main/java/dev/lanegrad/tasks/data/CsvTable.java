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

/**
 * A small CSV file with a header row (RFC 4180: comma-separated, fields may be quoted with {@code "},
 * a quote inside written {@code ""}; no line breaks inside fields). Columns are found by name; number
 * columns are parsed with messages that name the file, the line and the column.
 */
public final class CsvTable {

    private final String source;
    private final List<String> columns;
    private final List<String[]> rows;
    private final int[] lineNumbers;

    private CsvTable(String source, List<String> columns, List<String[]> rows, int[] lineNumbers) {
        this.source = source;
        this.columns = Collections.unmodifiableList(columns);
        this.rows = rows;
        this.lineNumbers = lineNumbers;
    }

    public static CsvTable read(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString());
        }
    }

    /** Reads a table; {@code source} names it in messages. Blank lines are skipped. */
    public static CsvTable read(Reader reader, String source) throws IOException {
        BufferedReader r = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<String> header = null;
        List<String[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String line;
        int lineNumber = 0;
        while ((line = r.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte order mark
            }
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = split(line, source, lineNumber);
            if (header == null) {
                header = fields;
                continue;
            }
            if (fields.size() != header.size()) {
                throw new IllegalArgumentException(source + " line " + lineNumber + ": " + fields.size()
                        + " fields, but the header has " + header.size() + " (" + String.join(", ", header) + ")");
            }
            rows.add(fields.toArray(new String[0]));
            lines.add(lineNumber);
        }
        if (header == null) {
            throw new IllegalArgumentException(source + ": empty file, expected a header row");
        }
        return new CsvTable(source, header, rows, lines.stream().mapToInt(Integer::intValue).toArray());
    }

    private static List<String> split(String line, String source, int lineNumber) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            field.setLength(0);
            int j = i;
            while (j < line.length() && (line.charAt(j) == ' ' || line.charAt(j) == '\t')) {
                j++; // spaces before an opening quote, as in "a", "b"
            }
            if (j < line.length() && line.charAt(j) == '"') {
                i = j + 1;
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException(source + " line " + lineNumber + ": unterminated quoted field");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                    i++;
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new IllegalArgumentException(source + " line " + lineNumber + ": text after a closing quote at column " + (i + 1));
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    field.append(line.charAt(i++));
                }
            }
            fields.add(field.toString().strip());
            if (i >= line.length()) {
                return fields;
            }
            i++; // the comma
        }
    }

    public String source() {
        return source;
    }

    /** The header's column names. */
    public List<String> columns() {
        return columns;
    }

    /** Number of data rows. */
    public int size() {
        return rows.size();
    }

    /**
     * A plain decimal number: optional sign, digits with an optional fraction, an optional exponent.
     * Double.parseDouble also takes "5d", "1f", "0x1p3", "NaN" and "Infinity", which in a data file are
     * typos or damage, not numbers.
     */
    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    /** The index of a column; the error lists the columns there are, and refuses a name the header has twice. */
    public int column(String name) {
        int i = columns.indexOf(name);
        if (i >= 0 && columns.lastIndexOf(name) != i) {
            throw new IllegalArgumentException(source + ": the header names column \"" + name + "\" twice (columns "
                    + (i + 1) + " and " + (columns.lastIndexOf(name) + 1) + "); rename one of them");
        }
        if (i < 0) {
            throw new IllegalArgumentException("column \"" + name + "\" not found in " + source + "; the columns are: "
                    + String.join(", ", columns));
        }
        return i;
    }

    /** A column's text values. */
    public String[] strings(String name) {
        int c = column(name);
        String[] out = new String[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[c];
        }
        return out;
    }

    /** A column's values as numbers; the error names the line of the first value that is not one. */
    public double[] numbers(String name) {
        int c = column(name);
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            String text = rows.get(i)[c];
            String trimmed = text.trim();
            out[i] = DECIMAL.matcher(trimmed).matches() ? Double.parseDouble(trimmed) : Double.NaN;
            if (!Double.isFinite(out[i])) {
                throw new IllegalArgumentException(source + " line " + lineNumbers[i] + ": \"" + text + "\" in column "
                        + name + " is not a number");
            }
        }
        return out;
    }
}
