package dev.r1serve.eval.ifeval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The checkers of the 25 instruction ids of IFEval (Zhou et al. 2023), each the reference's {@code check_following}
 * (google-research {@code instruction_following_eval/instructions.py}) on the same parameters. Where the reference
 * uses a parameter as a regular expression (keywords, section splitter, postscript marker), so does this.
 */
final class Checkers {

    /** The instruction ids, in the reference registry's order. */
    static final List<String> IDS = List.of(
            "keywords:existence",
            "keywords:frequency",
            "keywords:forbidden_words",
            "keywords:letter_frequency",
            "language:response_language",
            "length_constraints:number_sentences",
            "length_constraints:number_paragraphs",
            "length_constraints:number_words",
            "length_constraints:nth_paragraph_first_word",
            "detectable_content:number_placeholders",
            "detectable_content:postscript",
            "detectable_format:number_bullet_lists",
            "detectable_format:constrained_response",
            "detectable_format:number_highlighted_sections",
            "detectable_format:multiple_sections",
            "detectable_format:json_format",
            "detectable_format:title",
            "combination:two_responses",
            "combination:repeat_prompt",
            "startend:end_checker",
            "change_case:capital_word_frequency",
            "change_case:english_capital",
            "change_case:english_lowercase",
            "punctuation:no_comma",
            "startend:quotation");

    private static final int CI = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    /** Python's re on str: \s, \d and \b are Unicode-aware. */
    private static final int PY = Pattern.UNICODE_CHARACTER_CLASS;

    private static final List<String> CONSTRAINED =
            List.of("My answer is yes.", "My answer is no.", "My answer is maybe.");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[.*?\\]");
    private static final Pattern BULLET_STAR = Pattern.compile("^\\s*\\*[^*].*$", Pattern.MULTILINE | PY);
    private static final Pattern BULLET_DASH = Pattern.compile("^\\s*-.*$", Pattern.MULTILINE | PY);
    private static final Pattern HIGHLIGHT = Pattern.compile("\\*[^\\n*]*\\*");
    private static final Pattern DOUBLE_HIGHLIGHT = Pattern.compile("\\*\\*[^\\n*]*\\*\\*");
    private static final Pattern PARAGRAPH_DIVIDER = Pattern.compile("\\s?\\*\\*\\*\\s?", PY);
    private static final Pattern TITLE = Pattern.compile("<<[^\\n]+>>");
    // Python's json.loads: one value, nothing after it, NaN and Infinity allowed.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .build();

    private Checkers() {}

    static Predicate<String> build(String id, JsonNode kwargs) {
        Args a = new Args(id, kwargs);
        Predicate<String> p = switch (id) {
            case "keywords:existence" -> {
                List<Pattern> ps = a.strings("keywords").stream()
                        .sorted()
                        .map(k -> a.regex("keywords", k, CI))
                        .toList();
                yield r -> ps.stream().allMatch(k -> k.matcher(r).find());
            }
            case "keywords:frequency" -> {
                Pattern k = a.regex("keyword", PyText.strip(a.string("keyword")), CI);
                int n = a.count("frequency");
                boolean less = a.lessThan("relation");
                yield r -> compare(PyText.count(k, r), n, less);
            }
            case "keywords:forbidden_words" -> {
                List<Pattern> ps = new TreeSet<>(a.strings("forbidden_words"))
                        .stream()
                                .map(w -> a.regex(
                                        "forbidden_words",
                                        "(?<!" + PyText.WORD_CHAR + ")" + w + "(?!" + PyText.WORD_CHAR + ")",
                                        CI))
                                .toList();
                yield r -> ps.stream().noneMatch(w -> w.matcher(r).find());
            }
            case "keywords:letter_frequency" -> {
                String letter = a.string("letter");
                if (PyText.strip(letter).length() != 1)
                    throw a.bad("letter", "must be one letter, got \"" + letter + "\"");
                char c = PyText.lower(PyText.strip(letter)).charAt(0);
                int n = a.count("let_frequency");
                boolean less = a.lessThan("let_relation");
                yield r -> {
                    String low = PyText.lower(r);
                    int k = 0;
                    for (int i = 0; i < low.length(); i++) if (low.charAt(i) == c) k++;
                    return compare(k, n, less);
                };
            }
            case "language:response_language" -> {
                String lang = a.string("language");
                if (!lang.matches("[a-z]{2}"))
                    throw a.bad("language", "must be an ISO 639-1 code such as \"de\", got \"" + lang + "\"");
                yield r -> {
                    String got = LanguageDetection.detect(r);
                    return got == null || got.equals(lang); // undetectable counts as followed, as in the reference
                };
            }
            case "length_constraints:number_sentences" -> {
                int n = a.count("num_sentences");
                boolean less = a.lessThan("relation");
                yield r -> compare(PyText.countSentences(r), n, less);
            }
            case "length_constraints:number_paragraphs" -> {
                int n = a.count("num_paragraphs");
                yield r -> markdownParagraphs(r) == n;
            }
            case "length_constraints:number_words" -> {
                int n = a.count("num_words");
                boolean less = a.lessThan("relation");
                yield r -> compare(PyText.countWords(r), n, less);
            }
            case "length_constraints:nth_paragraph_first_word" -> {
                int n = a.count("num_paragraphs");
                int nth = a.count("nth_paragraph");
                if (nth < 1) throw a.bad("nth_paragraph", "must be >= 1, got " + nth);
                String first = PyText.lower(a.string("first_word"));
                yield r -> nthParagraphFirstWord(r, n, nth, first);
            }
            case "detectable_content:number_placeholders" -> {
                int n = a.count("num_placeholders");
                yield r -> PyText.count(PLACEHOLDER, r) >= n;
            }
            case "detectable_content:postscript" -> {
                String marker = PyText.strip(a.string("postscript_marker"));
                String regex = switch (marker) {
                    case "P.P.S" -> "\\s*p\\.\\s?p\\.\\s?s.*$";
                    case "P.S." -> "\\s*p\\.\\s?s\\..*$";
                    default -> "\\s*" + PyText.lower(marker) + ".*$";
                };
                Pattern ps = a.regex("postscript_marker", regex, Pattern.MULTILINE | PY);
                yield r -> ps.matcher(PyText.lower(r)).find();
            }
            case "detectable_format:number_bullet_lists" -> {
                int n = a.count("num_bullets");
                yield r -> PyText.count(BULLET_STAR, r) + PyText.count(BULLET_DASH, r) == n;
            }
            case "detectable_format:constrained_response" ->
                r -> {
                    String v = PyText.strip(r);
                    return CONSTRAINED.stream().anyMatch(v::contains);
                };
            case "detectable_format:number_highlighted_sections" -> {
                int n = a.count("num_highlights");
                yield r -> highlights(r) >= n;
            }
            case "detectable_format:multiple_sections" -> {
                String splitter = PyText.strip(a.string("section_spliter"));
                int n = a.count("num_sections");
                Pattern ps = a.regex("section_spliter", "\\s?" + splitter + "\\s?\\d+\\s?", PY);
                yield r -> PyText.count(ps, r) >= n;
            }
            case "detectable_format:json_format" -> Checkers::isJson;
            case "detectable_format:title" ->
                r -> {
                    var m = TITLE.matcher(r);
                    while (m.find()) {
                        if (!PyText.strip(rstrip(lstrip(m.group(), '<'), '>')).isEmpty()) return true;
                    }
                    return false;
                };
            case "combination:two_responses" -> Checkers::twoResponses;
            case "combination:repeat_prompt" -> {
                String prompt = PyText.lower(PyText.strip(a.string("prompt_to_repeat")));
                yield r -> PyText.lower(PyText.strip(r)).startsWith(prompt);
            }
            case "startend:end_checker" -> {
                String end = PyText.lower(PyText.strip(a.string("end_phrase")));
                yield r -> PyText.lower(PyText.strip(PyText.strip(r), "\"")).endsWith(end);
            }
            case "change_case:capital_word_frequency" -> {
                int n = a.count("capital_frequency");
                boolean less = a.lessThan("capital_relation");
                yield r -> compare(
                        (int) PyText.wordTokens(r).stream()
                                .filter(PyText::isUpper)
                                .count(),
                        n,
                        less);
            }
            case "change_case:english_capital" -> r -> PyText.isUpper(r) && english(r);
            case "change_case:english_lowercase" -> r -> PyText.isLower(r) && english(r);
            case "punctuation:no_comma" -> r -> r.indexOf(',') < 0;
            case "startend:quotation" ->
                r -> {
                    String v = PyText.strip(r);
                    return v.length() > 1 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"';
                };
            default ->
                throw new IllegalArgumentException(
                        "instruction_id_list: unknown instruction id \"" + id + "\"; known: " + String.join(", ", IDS));
        };
        a.requireNoOthers();
        return p;
    }

    /** "less than" → actual < n; "at least" → actual >= n. */
    private static boolean compare(int actual, int n, boolean lessThan) {
        return lessThan ? actual < n : actual >= n;
    }

    private static boolean english(String r) {
        String lang = LanguageDetection.detect(r);
        return lang == null || lang.equals("en");
    }

    /** Paragraphs between {@code ***} dividers; an empty one inside makes the count wrong (-1). */
    private static int markdownParagraphs(String r) {
        String[] ps = PARAGRAPH_DIVIDER.split(r, -1);
        int n = ps.length;
        for (int i = 0; i < ps.length; i++) {
            if (PyText.strip(ps[i]).isEmpty()) {
                if (i == 0 || i == ps.length - 1) n--;
                else return -1;
            }
        }
        return n;
    }

    private static boolean nthParagraphFirstWord(String r, int expected, int nth, String firstWord) {
        String[] ps = r.split("\n\n", -1);
        int n = ps.length;
        for (String p : ps) if (PyText.strip(p).isEmpty()) n--;
        if (nth > n) return false;
        String p = PyText.strip(ps[nth - 1]); // by position among all pieces, empty ones included, as the reference
        if (p.isEmpty()) return false;
        String word = lstrip(lstrip(p.split("[\\s\\u00a0\\u0085]+", 2)[0], '\''), '"');
        StringBuilder w = new StringBuilder();
        for (char c : word.toCharArray()) {
            if (".,?!'\"".indexOf(c) >= 0) break;
            w.append(c);
        }
        return n == expected && PyText.lower(w.toString()).equals(firstWord);
    }

    private static int highlights(String r) {
        int n = 0;
        var m = HIGHLIGHT.matcher(r);
        while (m.find()) if (!PyText.strip(PyText.strip(m.group(), "*")).isEmpty()) n++;
        m = DOUBLE_HIGHLIGHT.matcher(r);
        while (m.find()) {
            String g = m.group();
            if (!PyText.strip(g.substring(2, g.length() - 2)).isEmpty()) n++;
        }
        return n;
    }

    private static boolean isJson(String r) {
        String v = PyText.strip(r);
        for (String prefix : List.of("```json", "```Json", "```JSON", "```")) {
            if (v.startsWith(prefix)) v = v.substring(prefix.length());
        }
        if (v.endsWith("```")) v = v.substring(0, v.length() - 3);
        v = PyText.strip(v);
        if (v.isEmpty()) return false;
        try {
            return JSON.readTree(v) != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean twoResponses(String r) {
        String[] parts = r.split(Pattern.quote("******"), -1);
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            if (PyText.strip(parts[i]).isEmpty()) {
                if (i != 0 && i != parts.length - 1) return false;
            } else {
                valid.add(parts[i]);
            }
        }
        return valid.size() == 2 && !PyText.strip(valid.get(0)).equals(PyText.strip(valid.get(1)));
    }

    private static String lstrip(String s, char c) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == c) i++;
        return s.substring(i);
    }

    private static String rstrip(String s, char c) {
        int i = s.length();
        while (i > 0 && s.charAt(i - 1) == c) i--;
        return s.substring(0, i);
    }

    /** An instruction's kwargs, read with errors that name the parameter; null values count as absent. */
    private static final class Args {
        private final String id;
        private final Map<String, JsonNode> given = new LinkedHashMap<>();
        private final Set<String> used = new TreeSet<>();

        Args(String id, JsonNode kwargs) {
            this.id = id;
            if (kwargs != null && !kwargs.isNull()) {
                if (!kwargs.isObject())
                    throw new IllegalArgumentException(
                            "kwargs: must be an object for " + id + ", got " + kwargs.getNodeType());
                for (Iterator<Map.Entry<String, JsonNode>> it = kwargs.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!e.getValue().isNull()) given.put(e.getKey(), e.getValue());
                }
            }
        }

        IllegalArgumentException bad(String key, String problem) {
            return new IllegalArgumentException("kwargs." + key + ": " + problem + " (instruction " + id + ")");
        }

        private JsonNode get(String key) {
            used.add(key);
            JsonNode v = given.get(key);
            if (v == null) throw bad(key, "missing");
            return v;
        }

        String string(String key) {
            JsonNode v = get(key);
            if (!v.isTextual()) throw bad(key, "must be a string, got " + v);
            return v.asText();
        }

        List<String> strings(String key) {
            JsonNode v = get(key);
            if (!v.isArray() || v.isEmpty()) throw bad(key, "must be a non-empty list of strings, got " + v);
            List<String> out = new ArrayList<>();
            for (JsonNode x : v) {
                if (!x.isTextual()) throw bad(key, "must be a list of strings, got " + v);
                out.add(x.asText());
            }
            return out;
        }

        int count(String key) {
            JsonNode v = get(key);
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0)
                throw bad(key, "must be an integer >= 0, got " + v);
            return v.asInt();
        }

        boolean lessThan(String key) {
            String v = string(key);
            return switch (v) {
                case "less than" -> true;
                case "at least" -> false;
                default -> throw bad(key, "must be \"less than\" or \"at least\", got \"" + v + "\"");
            };
        }

        Pattern regex(String key, String regex, int flags) {
            try {
                return Pattern.compile(regex, flags);
            } catch (PatternSyntaxException e) {
                throw bad(key, "is not a valid pattern: " + e.getDescription());
            }
        }

        void requireNoOthers() {
            for (String k : given.keySet()) {
                if (!used.contains(k)) {
                    throw bad(
                            k,
                            "is not a parameter of this instruction"
                                    + (used.isEmpty() ? " (it takes none)" : "; it takes " + used));
                }
            }
        }
    }
}
