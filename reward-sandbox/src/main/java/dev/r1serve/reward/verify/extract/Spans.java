package dev.r1serve.reward.verify.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Locates LaTeX answer spans in free text: {@code \boxed{...}} / {@code \fbox{...}} and math
 * environments ({@code $...$}, {@code $$...$$}, {@code \(...\)}, {@code \[...\]}). All scans are
 * linear in the text length; no regex with nested quantifiers touches unbounded input.
 */
public final class Spans {
    private Spans() {}

    /** A span of the text and the answer content inside it. */
    public record Span(int start, int end, String content) {}

    /** Every {@code \boxed}/{@code \fbox} in the text, in order. Unbalanced braces run to the end. */
    public static List<Span> boxes(String t) {
        List<Span> out = new ArrayList<>();
        int i = 0;
        while (true) {
            int b = t.indexOf("\\boxed", i), f = t.indexOf("\\fbox", i);
            int at = b < 0 ? f : f < 0 ? b : Math.min(b, f);
            if (at < 0) break;
            int p = at + (at == b ? 6 : 5);
            if (p < t.length() && Character.isLetter(t.charAt(p))) {
                i = p;
                continue;
            }
            while (p < t.length() && t.charAt(p) == ' ') p++;
            if (p < t.length() && t.charAt(p) == '{') {
                int depth = 0, q = p;
                for (; q < t.length(); q++) {
                    char c = t.charAt(q);
                    if (c == '\\' && q + 1 < t.length() && (t.charAt(q + 1) == '{' || t.charAt(q + 1) == '}')) {
                        q++;
                        continue;
                    }
                    if (c == '{') depth++;
                    else if (c == '}' && --depth == 0) break;
                }
                int end = Math.min(q + 1, t.length());
                out.add(new Span(at, end, t.substring(p + 1, Math.min(q, t.length()))));
                i = end;
            } else {
                // "\boxed 5": one token up to whitespace or a delimiter.
                int q = p;
                while (q < t.length()
                        && !Character.isWhitespace(t.charAt(q))
                        && t.charAt(q) != '$'
                        && t.charAt(q) != '.') q++;
                if (q > p) out.add(new Span(at, q, t.substring(p, q)));
                i = Math.max(q, p + 1);
            }
        }
        return out;
    }

    /** Every math environment. Inline {@code $}/{@code \(} do not cross a newline; display ones may. */
    public static List<Span> environments(String t) {
        List<Span> out = new ArrayList<>();
        int i = 0, n = t.length();
        while (i < n) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char d = t.charAt(i + 1);
                if (d == '$') {
                    i += 2;
                    continue;
                }
                if (d == '(' || d == '[') {
                    String close = d == '(' ? "\\)" : "\\]";
                    int e = t.indexOf(close, i + 2);
                    if (e > 0 && (d == '[' || t.indexOf('\n', i + 2) < 0 || t.indexOf('\n', i + 2) > e)) {
                        out.add(new Span(i, e + 2, t.substring(i + 2, e)));
                        i = e + 2;
                        continue;
                    }
                }
                i += 2;
                continue;
            }
            if (c == '$') {
                boolean display = i + 1 < n && t.charAt(i + 1) == '$';
                int from = i + (display ? 2 : 1);
                int e = findDollar(t, from, display);
                if (e > 0) {
                    out.add(new Span(i, e + (display ? 2 : 1), t.substring(from, e)));
                    i = e + (display ? 2 : 1);
                    continue;
                }
                i = from;
                continue;
            }
            i++;
        }
        return out;
    }

    /** Longest inline {@code $...$} allowed to run over line breaks. */
    private static final int MAX_MULTILINE_INLINE = 400;

    private static final Pattern PROSE_WORD = Pattern.compile("(?<!\\\\)\\b[A-Za-z]{4,}\\b");

    /**
     * The closing dollar. An inline {@code $...$} may run over single line breaks (a prediction
     * spread over lines) when it starts right after the opening dollar and ends right before the
     * closing one, but not over a blank line, past {@link #MAX_MULTILINE_INLINE} characters,
     * or around prose: two prices on different lines are not a formula.
     */
    private static int findDollar(String t, int from, boolean display) {
        boolean newline = false;
        for (int j = from; j < t.length(); j++) {
            char c = t.charAt(j);
            if (c == '\\') {
                j++;
                continue;
            }
            if (!display && c == '\n') {
                int next = j + 1;
                while (next < t.length() && (t.charAt(next) == ' ' || t.charAt(next) == '\t' || t.charAt(next) == '\r'))
                    next++;
                if (next < t.length() && t.charAt(next) == '\n') return -1; // blank line
                if (j - from > MAX_MULTILINE_INLINE) return -1;
                newline = true;
                continue;
            }
            if (c == '$' && !display && newline) {
                // A wrapped formula starts on the opening line and ends on the closing one ("$x +\n 5$");
                // a dollar alone at a line end ("$ \n 9 \n $", lighteval's case) opens nothing.
                String content = t.substring(from, j);
                if (content.substring(0, content.indexOf('\n')).isBlank()
                        || content.substring(content.lastIndexOf('\n') + 1).isBlank()) return -1;
                if (content.length() > MAX_MULTILINE_INLINE
                        || PROSE_WORD
                                .matcher(content.replaceAll("\\\\[A-Za-z]+", " "))
                                .find()) return -1;
                return j;
            }
            if (c == '$') {
                if (!display) return j;
                if (j + 1 < t.length() && t.charAt(j + 1) == '$') return j;
            }
        }
        return -1;
    }

    private static final Pattern SEPARATOR_NOISE = Pattern.compile(
            "\\\\text\\s*\\{[^{}]{0,20}\\}|\\\\q?quad|\\\\[()\\[\\],;!: ]|\\$|[,;]|\\b(?:and|or)\\b|[A-Za-z](?:_\\{?\\w{1,4}\\}?)?\\s*=|\\s+");

    /**
     * The last span together with the spans right before it that are joined to it only by
     * separators ("and", commas, {@code \quad \text{and} \quad}, "y_2 ="), as in
     * {@code \boxed{1} and \boxed{2}}. Identical repeats collapse to one answer.
     */
    public static List<String> lastGroup(String t, List<Span> spans) {
        List<String> group = new ArrayList<>();
        if (spans.isEmpty()) return group;
        int k = spans.size() - 1;
        group.add(0, spans.get(k).content());
        while (k > 0) {
            Span prev = spans.get(k - 1), cur = spans.get(k);
            if (prev.end() > cur.start()) break;
            String between = t.substring(prev.end(), cur.start());
            if (between.length() > 60
                    || !SEPARATOR_NOISE.matcher(between).replaceAll("").isEmpty()) break;
            group.add(0, prev.content());
            k--;
        }
        List<String> distinct = new ArrayList<>();
        for (String g : group) if (!g.isBlank() && !distinct.contains(g.strip())) distinct.add(g.strip());
        return distinct;
    }
}
