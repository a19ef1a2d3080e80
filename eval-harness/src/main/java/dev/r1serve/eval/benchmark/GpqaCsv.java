package dev.r1serve.eval.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads GPQA's published CSV ({@code gpqa_diamond.csv}): RFC 4180 with quoted fields that span lines. Each
 * question's options are kept in canonical order {@code [correct, incorrect 1, incorrect 2, incorrect 3]}, so
 * the canonical gold is always "A"; {@link ChoiceShuffler} shuffles them per sample before they are shown.
 */
public final class GpqaCsv {

    static final String QUESTION = "Question";
    static final String CORRECT = "Correct Answer";
    static final List<String> INCORRECT = List.of("Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3");
    static final String RECORD_ID = "Record ID";

    private GpqaCsv() {}

    /** Parses the CSV; errors name {@code file} and the line a record starts on. */
    public static List<Question> parse(String file, byte[] data) {
        List<Row> rows = rows(file, new String(data, StandardCharsets.UTF_8));
        if (rows.isEmpty()) throw new DataFormatException(file + ": empty file, expected GPQA's CSV with a header row");
        List<String> header = rows.get(0).cells();
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.size(); i++) col.put(header.get(i).strip(), i);
        List<String> needed = new ArrayList<>(List.of(QUESTION, CORRECT));
        needed.addAll(INCORRECT);
        for (String n : needed) {
            if (!col.containsKey(n))
                throw DataFormatException.at(file, 1, "header lacks column \"" + n + "\" (is this GPQA's CSV?)");
        }
        List<Question> out = new ArrayList<>();
        for (Row r : rows.subList(1, rows.size())) {
            if (r.cells().size() == 1 && r.cells().get(0).isBlank()) continue;
            if (r.cells().size() != header.size()) {
                throw DataFormatException.at(
                        file,
                        r.line(),
                        "expected " + header.size() + " columns, got "
                                + r.cells().size());
            }
            List<String> choices = new ArrayList<>();
            choices.add(cell(file, r, col, CORRECT));
            for (String c : INCORRECT) choices.add(cell(file, r, col, c));
            String id = col.containsKey(RECORD_ID)
                            && !r.cells().get(col.get(RECORD_ID)).isBlank()
                    ? r.cells().get(col.get(RECORD_ID)).strip()
                    : "row" + r.line();
            Map<String, String> attrs = new HashMap<>();
            for (String a : List.of("Subdomain", "High-level domain")) {
                if (col.containsKey(a))
                    attrs.put(
                            a.equals("Subdomain") ? "subject" : "domain",
                            r.cells().get(col.get(a)).strip());
            }
            out.add(new Question(id, cell(file, r, col, QUESTION), "A", choices, attrs));
        }
        if (out.isEmpty()) throw new DataFormatException(file + ": no questions after the header");
        return out;
    }

    private static String cell(String file, Row r, Map<String, Integer> col, String name) {
        String v = r.cells().get(col.get(name)).strip();
        if (v.isEmpty()) throw DataFormatException.at(file, r.line(), "column \"" + name + "\" is empty");
        return v;
    }

    private record Row(int line, List<String> cells) {}

    private static List<Row> rows(String file, String text) {
        List<Row> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        int line = 1, rowStart = 1;
        int i = 0;
        if (text.startsWith("\uFEFF")) i = 1;
        for (; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (ch == '\n') line++;
                    cell.append(ch);
                }
            } else if (ch == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                cells.add(cell.toString());
                cell.setLength(0);
                rows.add(new Row(rowStart, List.copyOf(cells)));
                cells.clear();
                line++;
                rowStart = line;
            } else {
                cell.append(ch);
            }
        }
        if (quoted) throw DataFormatException.at(file, rowStart, "unterminated quoted field");
        if (!cell.isEmpty() || !cells.isEmpty()) {
            cells.add(cell.toString());
            rows.add(new Row(rowStart, List.copyOf(cells)));
        }
        return rows;
    }
}
