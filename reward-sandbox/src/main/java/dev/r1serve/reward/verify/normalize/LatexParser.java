package dev.r1serve.reward.verify.normalize;

import dev.r1serve.reward.verify.normalize.Expr.*;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser from (normalized) LaTeX or plain math to {@link Expr}. It accepts the
 * notation that appears in benchmark answers, not all of LaTeX; anything it cannot read raises
 * {@link ParseException}, and callers fall back to string comparison. Input length and nesting depth
 * are capped before any work so that hostile input cannot blow the stack or the time budget.
 */
public final class LatexParser {
    /** Raised when the input is not a supported math expression or exceeds the caps. */
    public static final class ParseException extends Exception {
        public ParseException(String msg) {
            super(msg, null, false, false);
        }
    }

    public static final int MAX_LENGTH = 2000;
    public static final int MAX_DEPTH = 40;

    private static final Set<String> FUNCTIONS = Set.of(
            "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "ln", "log",
            "exp", "lg");
    private static final Set<String> GREEK = Set.of(
            "alpha",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "varepsilon",
            "zeta",
            "eta",
            "theta",
            "vartheta",
            "iota",
            "kappa",
            "lambda",
            "mu",
            "nu",
            "xi",
            "rho",
            "sigma",
            "tau",
            "upsilon",
            "phi",
            "varphi",
            "chi",
            "psi",
            "omega",
            "Gamma",
            "Delta",
            "Theta",
            "Lambda",
            "Xi",
            "Pi",
            "Sigma",
            "Phi",
            "Psi",
            "Omega");
    /** Wrappers whose argument is the value itself. */
    private static final Set<String> TRANSPARENT = Set.of(
            "boxed",
            "fbox",
            "mathrm",
            "mathbf",
            "mathit",
            "mathsf",
            "boldsymbol",
            "bm",
            "vec",
            "overrightarrow",
            "overline",
            "hat",
            "bar",
            "tilde",
            "mathbb",
            "mathcal",
            "underline",
            "widehat",
            "dot");

    private static final Set<String> TEXTS =
            Set.of("text", "textbf", "textit", "textrm", "textnormal", "mbox", "textsf");

    private final String s;
    private int pos;
    private int depth;
    private int absDepth;

    private LatexParser(String s) {
        this.s = s;
    }

    /** Parses a normalized answer string. */
    public static Expr parse(String input) throws ParseException {
        if (input.length() > MAX_LENGTH) throw new ParseException("input longer than " + MAX_LENGTH + " chars");
        int d = 0, max = 0;
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == '{' || c == '(' || c == '[') max = Math.max(max, ++d);
            else if (c == '}' || c == ')' || c == ']') d--;
        }
        if (max > MAX_DEPTH) throw new ParseException("nesting deeper than " + MAX_DEPTH);
        if (input.isBlank()) throw new ParseException("empty answer");
        LatexParser p = new LatexParser(input);
        Expr e = p.parseTop();
        p.ws();
        if (p.pos < p.s.length()) throw new ParseException("unexpected '" + p.s.charAt(p.pos) + "' at " + p.pos);
        return e;
    }

    // ---- grammar ----------------------------------------------------------------------------------

    private Expr parseTop() throws ParseException {
        List<Expr> groups = new ArrayList<>();
        groups.add(parseCommas(false));
        while (eat(";")) {
            ws();
            if (pos >= s.length()) break;
            groups.add(parseCommas(false));
        }
        return groups.size() == 1 ? groups.get(0) : new Seq(Seq.Kind.SET, groups);
    }

    /** Comma list; inside brackets ';' also separates items (e.g. {@code (0;-2;6)}). */
    private Expr parseCommas(boolean inBrackets) throws ParseException {
        List<Expr> items = new ArrayList<>();
        items.add(parseRel());
        while (true) {
            ws();
            if (eat(",") || (inBrackets && eat(";"))) {
                ws();
                if (pos >= s.length() || peekAny(")]}")) break;
                items.add(parseRel());
            } else break;
        }
        return items.size() == 1 ? items.get(0) : new Seq(Seq.Kind.LIST, items);
    }

    private Expr parseRel() throws ParseException {
        List<Expr> parts = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        parts.add(parseSetExpr());
        String op;
        while ((op = relOp()) != null) {
            ops.add(op);
            parts.add(parseSetExpr());
        }
        return ops.isEmpty() ? parts.get(0) : new Rel(parts, ops);
    }

    private String relOp() {
        ws();
        String[][] table = {
            {"\\leq", "<="},
            {"\\le", "<="},
            {"\\geq", ">="},
            {"\\ge", ">="},
            {"\\neq", "!="},
            {"\\ne", "!="},
            {"\\lt", "<"},
            {"\\gt", ">"},
            {"\\in", "in"},
            {"\\approx", "~"},
            {"<=", "<="},
            {">=", ">="},
            {"!=", "!="},
            {"=", "="},
            {"<", "<"},
            {">", ">"}
        };
        for (String[] t : table) {
            if (s.startsWith(t[0], pos) && (!t[0].startsWith("\\") || !letterAt(pos + t[0].length()))) {
                pos += t[0].length();
                return t[1];
            }
        }
        return null;
    }

    private Expr parseSetExpr() throws ParseException {
        Expr e = parseAdditive();
        List<Expr> parts = null;
        while (true) {
            ws();
            if (cmd("cup")) {
                if (parts == null) {
                    parts = new ArrayList<>();
                    parts.add(e);
                }
                parts.add(parseAdditive());
            } else if (cmd("cap") || cmd("setminus")) {
                throw new ParseException("set intersection/difference not supported");
            } else break;
        }
        return parts == null ? e : new Union(parts);
    }

    private Expr parseAdditive() throws ParseException {
        enter();
        try {
            List<Expr> terms = new ArrayList<>();
            List<Expr> pmTerms = null;
            ws();
            boolean neg = false, pm = false;
            if (eat("+")) {
                /* unary plus */
            } else if (eat("-")) neg = true;
            else if (cmd("pm") || cmd("mp")) pm = true;
            Expr first = parseTerm();
            if (pm) {
                pmTerms = new ArrayList<>();
                pmTerms.add(first);
            } else terms.add(neg ? new Neg(first) : first);
            while (true) {
                ws();
                if (eat("+")) terms.add(parseTerm());
                else if (peek('-') && !s.startsWith("->", pos)) {
                    pos++;
                    terms.add(new Neg(parseTerm()));
                } else if (cmd("pm") || cmd("mp")) {
                    if (pmTerms == null) pmTerms = new ArrayList<>();
                    pmTerms.add(parseTerm());
                } else break;
            }
            Expr base = terms.isEmpty()
                    ? new Num(BigDecimal.ZERO, false)
                    : terms.size() == 1 ? terms.get(0) : new Add(terms);
            if (pmTerms == null) return base;
            // a ± b is the set {a + b, a - b}: the answer lists both roots.
            Expr pmSum = pmTerms.size() == 1 ? pmTerms.get(0) : new Add(pmTerms);
            return new Seq(
                    Seq.Kind.SET, List.of(new Add(List.of(base, pmSum)), new Add(List.of(base, new Neg(pmSum)))));
        } finally {
            depth--;
        }
    }

    private Expr parseTerm() throws ParseException {
        List<Expr> factors = new ArrayList<>();
        factors.add(parseUnary());
        while (true) {
            ws();
            if (eat("*") || cmd("cdot") || cmd("times") || cmd("ast")) {
                factors.add(parseUnary());
            } else if (eat("/") || cmd("div") || (peek(':') && !s.startsWith(":=", pos) && eat(":"))) {
                Expr den = parseUnary();
                Expr num = factors.size() == 1 ? factors.get(0) : new Mul(List.copyOf(factors));
                factors.clear();
                factors.add(new Div(num, den));
            } else if (startsPrimary()) {
                factors.add(parsePower());
            } else break;
        }
        return factors.size() == 1 ? factors.get(0) : new Mul(factors);
    }

    private Expr parseUnary() throws ParseException {
        ws();
        if (eat("-")) return new Neg(parseUnary());
        if (eat("+")) return parseUnary();
        return parsePower();
    }

    private Expr parsePower() throws ParseException {
        enter();
        try {
            Expr base = parsePostfix(parsePrimary());
            ws();
            if (eat("^")) {
                Expr exp = parseScriptArg();
                return parsePostfix(new Pow(base, exp));
            }
            if (eat("**")) return new Pow(base, parseUnary());
            return base;
        } finally {
            depth--;
        }
    }

    private Expr parsePostfix(Expr e) throws ParseException {
        while (true) {
            if (peekNotEq() && eat("!")) e = new Fn("factorial", List.of(e));
            else if (eat("%")) e = new Percent(e);
            else if (peek('_')) {
                pos++;
                String sub = rawScript();
                if (e instanceof Sym sym) e = new Sym(sym.name() + "_" + sub);
                else if (e instanceof Num n) e = new Text(n + "_" + sub); // base-n numeral such as 204_5
                else throw new ParseException("subscript on " + e);
            } else if (peek('\'') && e instanceof Sym sym) {
                pos++;
                e = new Sym(sym.name() + "'");
            } else return e;
        }
    }

    /** Argument of ^ or a single-token macro argument: {...}, one digit, one letter or one command. */
    private Expr parseScriptArg() throws ParseException {
        ws();
        if (eat("{")) {
            Expr e = parseTop();
            expect("}");
            return e;
        }
        if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            return new Num(new BigDecimal(String.valueOf(s.charAt(pos++))), false);
        }
        if (eat("-")) return new Neg(parseScriptArg());
        return parsePrimary();
    }

    private String rawScript() throws ParseException {
        ws();
        if (eat("{")) {
            int start = pos, d = 1;
            while (pos < s.length() && d > 0) {
                char c = s.charAt(pos++);
                if (c == '{') d++;
                else if (c == '}') d--;
            }
            if (d != 0) throw new ParseException("unbalanced subscript");
            return s.substring(start, pos - 1).replace(" ", "");
        }
        if (pos < s.length()) return String.valueOf(s.charAt(pos++));
        throw new ParseException("empty subscript");
    }

    private boolean startsPrimary() {
        ws();
        if (pos >= s.length()) return false;
        char c = s.charAt(pos);
        if (Character.isLetterOrDigit(c)
                || c == '('
                || c == '.' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))) return true;
        if (c == '{') return true;
        if (c == '[') return false; // "x [0,1)" is not a product we expect; avoids eating interval brackets
        if (c == '|') return absDepth == 0;
        if (c == '\\') {
            String name = peekCommandName();
            if (name == null) return s.startsWith("\\{", pos) && false;
            return !(name.equals("cdot")
                    || name.equals("times")
                    || name.equals("div")
                    || name.equals("pm")
                    || name.equals("mp")
                    || name.equals("cup")
                    || name.equals("cap")
                    || name.equals("setminus")
                    || name.startsWith("le")
                    || name.startsWith("ge")
                    || name.equals("ne")
                    || name.equals("neq")
                    || name.equals("lt")
                    || name.equals("gt")
                    || name.equals("in")
                    || name.equals("approx")
                    || name.equals("end")
                    || name.equals("rvert")
                    || name.equals("right")
                    || name.equals("rfloor")
                    || name.equals("rceil")
                    || name.equals("ast"));
        }
        return false;
    }

    private Expr parsePrimary() throws ParseException {
        enter();
        try {
            ws();
            if (pos >= s.length()) throw new ParseException("unexpected end");
            char c = s.charAt(pos);
            if (Character.isDigit(c) || c == '.') return number();
            if (c == '(' || c == '[') return bracket();
            if (c == '{') {
                pos++;
                Expr e = parseTop();
                expect("}");
                return e;
            }
            if (c == '|') {
                pos++;
                absDepth++;
                Expr e = parseAdditive();
                absDepth--;
                expect("|");
                return new Fn("abs", List.of(e));
            }
            if (c == '\\') return command();
            if (Character.isLetter(c)) {
                // Plain-text function names (sqrt(2), sin(x)) as written in non-LaTeX answers.
                for (String f : List.of("sqrt", "sin", "cos", "tan", "log", "ln", "exp")) {
                    if (s.startsWith(f, pos) && s.startsWith("(", pos + f.length())) {
                        pos += f.length();
                        Expr arg = bracket();
                        return new Fn(f, List.of(arg));
                    }
                }
                pos++;
                return new Sym(String.valueOf(c));
            }
            throw new ParseException("unexpected '" + c + "'");
        } finally {
            depth--;
        }
    }

    private Expr number() throws ParseException {
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
        boolean decimal = false;
        if (pos < s.length() && s.charAt(pos) == '.' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))) {
            decimal = true;
            pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
        } else if (pos == start) {
            throw new ParseException("stray '.'");
        }
        // Plain scientific notation 1.5e-3 (only with digits after e, so "2e" stays 2*e).
        if (pos + 1 < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            int q = pos + 1;
            if (q < s.length() && (s.charAt(q) == '+' || s.charAt(q) == '-')) q++;
            int digits = q;
            while (q < s.length() && Character.isDigit(s.charAt(q))) q++;
            if (q > digits && q - digits <= 4) {
                pos = q;
                decimal = true;
            }
        }
        String lit = s.substring(start, pos);
        if (lit.length() > 400) throw new ParseException("numeric literal too long");
        try {
            return new Num(new BigDecimal(lit), decimal);
        } catch (NumberFormatException e) {
            throw new ParseException("bad number " + lit);
        }
    }

    /** ( ... ) or [ ... ] with any closer: groups, tuples and intervals. */
    private Expr bracket() throws ParseException {
        char open = s.charAt(pos++);
        Expr inner = parseCommas(true);
        ws();
        if (pos >= s.length()) throw new ParseException("unclosed " + open);
        char close = s.charAt(pos);
        if (close != ')' && close != ']') throw new ParseException("unexpected '" + close + "' in bracket");
        pos++;
        List<Expr> items = inner instanceof Seq seq && seq.kind() == Seq.Kind.LIST ? seq.items() : List.of(inner);
        if (items.size() == 1) {
            if (open == '(' && close == ')' || open == '[' && close == ']') return items.get(0);
            throw new ParseException("mismatched brackets around a single item");
        }
        if (items.size() == 2 && !(open == '(' && close == ')')) {
            return new Interval(items.get(0), items.get(1), open == '[', close == ']');
        }
        return new Seq(Seq.Kind.TUPLE, items);
    }

    private Expr command() throws ParseException {
        if (s.startsWith("\\{", pos)) {
            pos += 2;
            ws();
            if (s.startsWith("\\}", pos)) {
                pos += 2;
                return new Seq(Seq.Kind.SET, List.of());
            }
            Expr inner = parseCommas(true);
            ws();
            if (!s.startsWith("\\}", pos)) throw new ParseException("unclosed \\{");
            pos += 2;
            List<Expr> items = inner instanceof Seq seq && seq.kind() == Seq.Kind.LIST ? seq.items() : List.of(inner);
            return new Seq(Seq.Kind.SET, items);
        }
        String name = peekCommandName();
        if (name == null) throw new ParseException("bad command at " + pos);
        pos += 1 + name.length();
        switch (name) {
            case "frac", "over" -> {
                Expr a = macroArg(), b = macroArg();
                return new Div(a, b);
            }
            case "binom", "dbinom", "tbinom", "choose" -> {
                Expr a = macroArg(), b = macroArg();
                return new Fn("binom", List.of(a, b));
            }
            case "sqrt" -> {
                ws();
                Expr index = null;
                if (eat("[")) {
                    index = parseAdditive();
                    expect("]");
                }
                Expr arg = macroArg();
                return index == null ? new Fn("sqrt", List.of(arg)) : new Fn("root", List.of(arg, index));
            }
            case "pi" -> {
                return new Sym("pi");
            }
            case "infty", "infinity" -> {
                return new Sym("oo");
            }
            case "lvert", "vert", "lVert" -> {
                absDepth++;
                Expr e = parseAdditive();
                absDepth--;
                ws();
                if (!(cmd("rvert") || cmd("vert") || cmd("rVert") || eat("|")))
                    throw new ParseException("unclosed \\lvert");
                return new Fn("abs", List.of(e));
            }
            case "lfloor", "lceil" -> {
                Expr e = parseAdditive();
                ws();
                if (!(cmd("rfloor") || cmd("rceil"))) throw new ParseException("unclosed floor/ceil");
                return new Fn(name.equals("lfloor") ? "floor" : "ceil", List.of(e));
            }
            case "begin" -> {
                return environment();
            }
            case "operatorname" -> {
                String fn = rawScript();
                if (FUNCTIONS.contains(fn)) return function(fn);
                return new Sym(fn);
            }
            default -> {
                /* fall through */
            }
        }
        if (TEXTS.contains(name)) {
            String txt = rawScript().strip();
            if (txt.isEmpty()) throw new ParseException("empty text");
            return new Text(txt);
        }
        if (TRANSPARENT.contains(name)) return macroArg();
        if (FUNCTIONS.contains(name)) return function(name);
        if (GREEK.contains(name)) return new Sym(name);
        throw new ParseException("unsupported command \\" + name);
    }

    /** sin, log_2, \sin^2 x ... : the power after the name applies to the result. */
    private Expr function(String name) throws ParseException {
        ws();
        Expr power = null, base = null;
        if (eat("_")) base = parseScriptArg();
        ws();
        if (eat("^")) power = parseScriptArg();
        ws();
        if (base == null && eat("_")) base = parseScriptArg();
        ws();
        Expr arg;
        if (peek('(')) {
            arg = bracket();
        } else {
            // \sin 2x means sin(2x): take a power and the letters glued to it.
            List<Expr> fs = new ArrayList<>();
            fs.add(parsePower());
            while (pos < s.length() && (Character.isLetter(s.charAt(pos)))) fs.add(parsePower());
            arg = fs.size() == 1 ? fs.get(0) : new Mul(fs);
        }
        Expr f = base == null
                ? new Fn(name.equals("lg") ? "log10" : name, List.of(arg))
                : new Fn("logb", List.of(arg, base));
        return power == null ? f : new Pow(f, power);
    }

    private Expr environment() throws ParseException {
        String env = rawScript();
        int end = s.indexOf("\\end{" + env + "}", pos);
        if (end < 0) throw new ParseException("unclosed environment " + env);
        String body = s.substring(pos, end);
        pos = end + 6 + env.length();
        if (env.equals("array") && body.startsWith("{")) body = body.substring(body.indexOf('}') + 1);
        if (!env.endsWith("matrix") && !env.equals("array")) throw new ParseException("unsupported environment " + env);
        List<List<Expr>> rows = new ArrayList<>();
        for (String row : body.split("\\\\\\\\")) {
            if (row.isBlank()) continue;
            List<Expr> cells = new ArrayList<>();
            for (String cell : row.split("&")) cells.add(parse(cell.strip()));
            rows.add(cells);
        }
        if (rows.isEmpty()) throw new ParseException("empty matrix");
        return new Matrix(rows);
    }

    private Expr macroArg() throws ParseException {
        ws();
        if (eat("{")) {
            Expr e = parseTop();
            expect("}");
            return e;
        }
        if (pos < s.length() && Character.isDigit(s.charAt(pos)))
            return new Num(new BigDecimal(String.valueOf(s.charAt(pos++))), false);
        if (pos < s.length() && Character.isLetter(s.charAt(pos))) return new Sym(String.valueOf(s.charAt(pos++)));
        if (pos < s.length() && s.charAt(pos) == '\\') return command();
        throw new ParseException("missing macro argument");
    }

    // ---- scanning helpers ------------------------------------------------------------------------

    private void enter() throws ParseException {
        if (++depth > MAX_DEPTH * 3) {
            depth--;
            throw new ParseException("expression nested too deeply");
        }
    }

    private String peekCommandName() {
        int p = pos + 1;
        while (p < s.length() && Character.isLetter(s.charAt(p))) p++;
        return p == pos + 1 ? null : s.substring(pos + 1, p);
    }

    private boolean cmd(String name) {
        ws();
        if (s.startsWith("\\" + name, pos) && !letterAt(pos + 1 + name.length())) {
            pos += 1 + name.length();
            return true;
        }
        return false;
    }

    /** A "!" that is not the start of "!=". */
    private boolean peekNotEq() {
        ws();
        return !s.startsWith("!=", pos);
    }

    private boolean letterAt(int p) {
        return p < s.length() && Character.isLetter(s.charAt(p));
    }

    private void ws() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private boolean peek(char c) {
        ws();
        return pos < s.length() && s.charAt(pos) == c;
    }

    private boolean peekAny(String cs) {
        return pos < s.length() && cs.indexOf(s.charAt(pos)) >= 0;
    }

    private boolean eat(String t) {
        ws();
        if (s.startsWith(t, pos)) {
            pos += t.length();
            return true;
        }
        return false;
    }

    private void expect(String t) throws ParseException {
        if (!eat(t)) throw new ParseException("expected '" + t + "' at " + pos);
    }
}
