package dev.r1serve.eval.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses benchmark JSONL (one JSON object per line) into questions, with errors that name file and line. */
public final class JsonlLoader {

    private JsonlLoader() {}

    /**
     * Parses {@code data}. Blank lines are skipped; anything else that is not an object with the mapped fields
     * is an error naming {@code file} and the line.
     */
    public static List<Question> parse(String file, byte[] data, FieldMap fields) {
        List<Question> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        JsonlObjects.forEach(file, data, "questions", (lineNo, node) -> {
            Question q = toQuestion(file, lineNo, node, fields);
            if (!ids.add(q.id()))
                throw DataFormatException.at(file, lineNo, "duplicate question id \"" + q.id() + "\"");
            out.add(q);
        });
        return out;
    }

    private static Question toQuestion(String file, int lineNo, JsonNode node, FieldMap f) {
        // Without an id field given, a line's own "id" is its id (as most JSONL benchmarks name it); else its number.
        String id = f.id() != null
                ? scalar(file, lineNo, node, f.id())
                : node.hasNonNull("id") ? scalar(file, lineNo, node, "id") : Integer.toString(lineNo);
        String problem = scalar(file, lineNo, node, f.problem());
        List<String> choices = new ArrayList<>();
        if (f.choices() != null) {
            JsonNode cs = node.get(f.choices());
            if (cs == null || !cs.isArray() || cs.isEmpty()) {
                throw DataFormatException.at(
                        file, lineNo, "field \"" + f.choices() + "\" must be a non-empty array of option texts");
            }
            if (cs.size() > 26) throw DataFormatException.at(file, lineNo, "more than 26 options");
            cs.forEach(c -> choices.add(c.asText()));
        }
        String gold = scalar(file, lineNo, node, f.answer());
        if (f.answerIsIndex()) {
            int idx;
            try {
                idx = Integer.parseInt(gold.strip());
            } catch (NumberFormatException e) {
                throw DataFormatException.at(
                        file, lineNo, "field \"" + f.answer() + "\" must be an option index, got \"" + gold + "\"");
            }
            if (idx < 0 || idx >= choices.size()) {
                throw DataFormatException.at(
                        file, lineNo, "answer index " + idx + " out of range for " + choices.size() + " options");
            }
            gold = String.valueOf((char) ('A' + idx));
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String a : f.attributes()) {
            JsonNode v = node.get(a);
            if (v != null && !v.isNull()) attrs.put(a, v.asText());
        }
        return new Question(id, problem, gold, choices, new HashMap<>(attrs));
    }

    private static String scalar(String file, int lineNo, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw DataFormatException.at(
                    file, lineNo, "missing field \"" + field + "\" (fields present: " + fieldNames(node) + ")");
        }
        if (!v.isValueNode())
            throw DataFormatException.at(file, lineNo, "field \"" + field + "\" must be a string or number");
        String s = v.asText();
        if (s.isBlank()) throw DataFormatException.at(file, lineNo, "field \"" + field + "\" is empty");
        return s;
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }
}
