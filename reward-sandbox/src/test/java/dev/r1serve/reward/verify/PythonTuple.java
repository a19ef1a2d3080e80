package dev.r1serve.reward.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the 27 rows the exporter left as Python source ("unparsed"): pytest parameter tuples such
 * as {@code ("C", "réponse est C non A", Language.FRENCH, 1)} or, for math,
 * {@code (gold, pred, Language.X, ["latex", "expr"], 1)}.
 */
final class PythonTuple {
    private PythonTuple() {}

    /** The case, or null when the exporter truncated the source (no expected value survives). */
    static LightevalAcceptanceTest.Case toCase(int line, String test, String src) {
        List<Object> items;
        try {
            items = new PythonTuple.Reader(src).tuple();
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return null;
        }
        if (items.size() < 4 || !(items.get(0) instanceof String) || !(items.get(1) instanceof String)) return null;
        // (gold, pred, Language, expected) or (gold, pred, Language, [match types], expected[, ...]):
        // the expected value must have survived the cut.
        Object exp = items.get(items.get(3) instanceof List<?> ? 4 < items.size() ? 4 : 3 : 3);
        if (!(exp instanceof Boolean) && !(exp instanceof Integer)) return null;
        String gold = (String) items.get(0), pred = (String) items.get(1);
        List<String> mt = new ArrayList<>();
        boolean expected = exp instanceof Boolean b ? b : ((Number) exp).intValue() == 1;
        for (Object o : items) if (o instanceof List<?> l) l.forEach(x -> mt.add((String) x));
        if (mt.isEmpty()) {
            if (test.contains("abc")) mt.add("NativeLetters");
            else {
                mt.add("latex");
                mt.add("expr");
            }
        }
        return new LightevalAcceptanceTest.Case(line, test, gold, pred, expected, mt, null);
    }

    private static final class Reader {
        final String s;
        int p;

        Reader(String s) {
            this.s = s;
        }

        List<Object> tuple() {
            ws();
            expect('(');
            List<Object> out = new ArrayList<>();
            while (true) {
                ws();
                // Cut off between elements: what was read completely is kept (the caller checks that the
                // expected value survived).
                if (p >= s.length()) return out;
                if (peek() == ')') {
                    p++;
                    return out;
                }
                out.add(value());
                ws();
                if (peek() == ',') p++;
            }
        }

        Object value() {
            ws();
            char c = peek();
            if (c == '"' || c == '\'') return string();
            if (c == '[') {
                p++;
                List<Object> l = new ArrayList<>();
                while (true) {
                    ws();
                    if (p >= s.length()) throw new IllegalArgumentException("truncated list");
                    if (peek() == ']') {
                        p++;
                        return l;
                    }
                    l.add(value());
                    ws();
                    if (peek() == ',') p++;
                }
            }
            int start = p;
            while (p < s.length() && ",)]".indexOf(s.charAt(p)) < 0) p++;
            String tok = s.substring(start, p).strip();
            if (tok.equals("True")) return true;
            if (tok.equals("False")) return false;
            if (tok.matches("-?\\d+")) return Integer.parseInt(tok);
            return tok; // Language.X
        }

        String string() {
            StringBuilder sb = new StringBuilder();
            // Adjacent literals concatenate, as in Python.
            while (p < s.length() && (peek() == '"' || peek() == '\'')) {
                char q = s.charAt(p++);
                while (true) {
                    if (p >= s.length()) throw new IllegalArgumentException("truncated string");
                    if (s.charAt(p) == q) break;
                    char c = s.charAt(p++);
                    if (c == '\\') {
                        char e = s.charAt(p++);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'f' -> sb.append('\f');
                            case '\\' -> sb.append('\\');
                            case '"' -> sb.append('"');
                            case '\'' -> sb.append('\'');
                            default -> sb.append('\\').append(e);
                        }
                    } else sb.append(c);
                }
                p++;
                ws();
            }
            return sb.toString();
        }

        void ws() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
        }

        char peek() {
            return p < s.length() ? s.charAt(p) : '\0';
        }

        void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected " + c + " at " + p + " in " + s);
            p++;
        }
    }
}
