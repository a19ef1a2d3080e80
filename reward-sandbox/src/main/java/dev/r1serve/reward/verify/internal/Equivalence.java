package dev.r1serve.reward.verify.internal;

import dev.r1serve.reward.verify.VerifierOptions;
import dev.r1serve.reward.verify.cas.SymjaCas;
import dev.r1serve.reward.verify.normalize.Expr;
import dev.r1serve.reward.verify.normalize.Expr.*;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Structural and mathematical comparison of two parsed answers. Cheap checks run first (structure,
 * numeric value, random-point sampling); the CAS is asked only when sampling cannot refute an
 * identity between expressions with free variables.
 *
 * <p>Documented rules:
 * <ul>
 *   <li>Numbers: exact first (see {@code constants}): exact rationals compare exactly, two
 *       integers written exactly never round together, values too large to compute match only
 *       their identical form; when either side contains a decimal literal both are also compared
 *       after rounding to {@code precision} places (so 0.33 matches 1/3 at precision 2, as in
 *       Math-Verify); irrational values cancel common terms exactly, then compare within
 *       {@code relTolerance} and, when algebraic, at high precision.
 *   <li>Percentages: {@code p%} may be matched by {@code p} or by {@code p/100}; a plain gold
 *       {@code g} is matched by {@code g%} (the sign is ignored) but not by {@code g/100}.
 *   <li>Tuples and intervals are ordered, and interval ends must agree on open/closed; a 2-tuple
 *       equals the open interval with the same ends. Sets and bare lists are order-free and
 *       duplicates do not count; a bare list matches a tuple in order (unless strict); an explicit
 *       set never matches a tuple.
 *   <li>Equations match when {@code l1-r1 = ±(l2-r2)}; inequalities after orienting both to
 *       {@code <}/{@code <=} when {@code l1-r1 = l2-r2}.
 * </ul>
 */
public final class Equivalence {
    /** How a comparison was decided. */
    public record Decision(boolean equal, String rule, String reason, boolean usedCas) {
        static Decision yes(String rule, String reason) {
            return new Decision(true, rule, reason, false);
        }

        static Decision no(String rule, String reason) {
            return new Decision(false, rule, reason, false);
        }

        Decision cas() {
            return new Decision(equal, rule, reason, true);
        }
    }

    private static final Set<String> CONSTANTS = Set.of("pi", "e", "i", "oo");
    private static final int SAMPLES = 4;

    private final VerifierOptions opt;
    private boolean usedCas;

    public Equivalence(VerifierOptions opt) {
        this.opt = opt;
    }

    /** Compares two answers (already unwrapped of {@code x =} prefixes by {@link #unwrap}). */
    public Decision compare(Expr gold, Expr pred) {
        usedCas = false;
        Exact.resetBudget();
        Decision d = cmp(gold, pred);
        if (!d.equal() && !opt.strictVariables()) {
            Map<String, String> renaming = renaming(gold, pred);
            if (renaming != null) {
                Decision r = cmp(gold, rename(pred, renaming));
                if (r.equal())
                    d = new Decision(
                            true, r.rule(), "with variables renamed " + renaming + ": " + r.reason(), r.usedCas());
            }
        }
        return usedCas && !d.usedCas() ? d.cas() : d;
    }

    // ---- variable names (strictVariables off) ----------------------------------------------------

    /**
     * The one-to-one renaming of the prediction's own variables onto the gold's (both sorted), as
     * Math-Verify's non-strict mode pairs them; null when the names already agree, the counts
     * differ, or an answer is only names with none in common ({@code b} for {@code a}, {@code cd}
     * for {@code ab}: renaming would accept any letter for a letter; {@code f(y)} for {@code f(x)}
     * keeps its {@code f}).
     */
    private static Map<String, String> renaming(Expr gold, Expr pred) {
        if (gold instanceof Sym || pred instanceof Sym) return null;
        Set<String> g = new TreeSet<>(), p = new TreeSet<>();
        allSymbols(gold, g);
        allSymbols(pred, p);
        g.removeAll(CONSTANTS);
        p.removeAll(CONSTANTS);
        Set<String> onlyG = new TreeSet<>(g), onlyP = new TreeSet<>(p);
        onlyG.removeAll(p);
        onlyP.removeAll(g);
        if (onlyG.isEmpty() || onlyG.size() != onlyP.size()) return null;
        if ((isNameOnly(gold) || isNameOnly(pred)) && onlyG.size() == g.size()) return null;
        Map<String, String> m = new java.util.LinkedHashMap<>();
        var gi = onlyG.iterator();
        for (String v : onlyP) m.put(v, gi.next());
        return m;
    }

    private static boolean isNameOnly(Expr e) {
        return e instanceof Sym || e instanceof Mul m && m.factors().stream().allMatch(f -> f instanceof Sym);
    }

    private static void allSymbols(Expr e, Set<String> out) {
        switch (e) {
            case Sym s -> out.add(s.name());
            case Neg n -> allSymbols(n.e(), out);
            case Add a -> a.terms().forEach(t -> allSymbols(t, out));
            case Mul m -> m.factors().forEach(t -> allSymbols(t, out));
            case Div d -> {
                allSymbols(d.num(), out);
                allSymbols(d.den(), out);
            }
            case Pow p -> {
                allSymbols(p.base(), out);
                allSymbols(p.exp(), out);
            }
            case Percent p -> allSymbols(p.e(), out);
            case Fn f -> f.args().forEach(t -> allSymbols(t, out));
            case Seq q -> q.items().forEach(t -> allSymbols(t, out));
            case Rel r -> r.parts().forEach(t -> allSymbols(t, out));
            case Union u -> u.parts().forEach(t -> allSymbols(t, out));
            case Interval i -> {
                allSymbols(i.lo(), out);
                allSymbols(i.hi(), out);
            }
            case Matrix m -> m.rows().forEach(r -> r.forEach(t -> allSymbols(t, out)));
            case Num n -> {}
            case Text t -> {}
        }
    }

    private static Expr rename(Expr e, Map<String, String> m) {
        return switch (e) {
            case Sym s -> m.containsKey(s.name()) ? new Sym(m.get(s.name())) : s;
            case Neg n -> new Neg(rename(n.e(), m));
            case Add a -> new Add(a.terms().stream().map(t -> rename(t, m)).toList());
            case Mul x -> new Mul(x.factors().stream().map(t -> rename(t, m)).toList());
            case Div d -> new Div(rename(d.num(), m), rename(d.den(), m));
            case Pow p -> new Pow(rename(p.base(), m), rename(p.exp(), m));
            case Percent p -> new Percent(rename(p.e(), m));
            case Fn f ->
                new Fn(f.name(), f.args().stream().map(t -> rename(t, m)).toList());
            case Seq q ->
                new Seq(q.kind(), q.items().stream().map(t -> rename(t, m)).toList());
            case Rel r -> new Rel(r.parts().stream().map(t -> rename(t, m)).toList(), r.ops());
            case Union u -> new Union(u.parts().stream().map(t -> rename(t, m)).toList());
            case Interval i -> new Interval(rename(i.lo(), m), rename(i.hi(), m), i.loClosed(), i.hiClosed());
            case Matrix x ->
                new Matrix(x.rows().stream()
                        .map(r -> r.stream().map(t -> rename(t, m)).toList())
                        .toList());
            case Num n -> n;
            case Text t -> t;
        };
    }

    // ---- answer-level unwrapping ------------------------------------------------------------------

    /**
     * Removes what is not part of the answer's value: {@code x = 3} → 3, {@code x = a = b} → b,
     * {@code a ≈ b} keeps the exact side, {@code x \in S} → S, assignments inside lists.
     */
    public Expr unwrap(Expr e) {
        if (e instanceof Rel r) {
            int approx = r.ops().indexOf("~");
            if (approx >= 0) {
                Expr left = approx == 0
                        ? r.parts().get(0)
                        : new Rel(r.parts().subList(0, approx + 1), r.ops().subList(0, approx));
                if (approx == 0 && isVarLike(left)) return unwrap(r.parts().get(approx + 1));
                return unwrap(left);
            }
            if (!opt.strict()
                    && isVarLike(r.parts().get(0))
                    && r.ops().stream().allMatch(o -> o.equals("=") || o.equals("in"))) {
                return unwrap(r.parts().get(r.parts().size() - 1));
            }
            return r;
        }
        if (e instanceof Seq s) {
            List<Expr> items = new ArrayList<>();
            for (Expr x : s.items()) items.add(unwrap(x));
            return new Seq(s.kind(), items);
        }
        return e;
    }

    /** A "name" on the left of an assignment: x, x_1, f(x), (p,q), NO/BO, S_{MBCN}:S. */
    static boolean isVarLike(Expr e) {
        return switch (e) {
            case Sym s -> !CONSTANTS.contains(s.name()) || s.name().equals("e");
            case Mul m -> m.factors().stream().allMatch(Equivalence::isVarLike);
            case Div d -> isVarLike(d.num()) && isVarLike(d.den());
            case Seq s -> s.kind() == Seq.Kind.TUPLE && s.items().stream().allMatch(Equivalence::isVarLike);
            case Fn f ->
                f.args().stream().allMatch(Equivalence::isVarLike) && !f.name().equals("sqrt");
            default -> false;
        };
    }

    // ---- dispatch --------------------------------------------------------------------------------

    private Decision cmp(Expr a, Expr b) {
        if (a.equals(b)) return Decision.yes("structural", "identical after normalization");
        // A parenthesised single element or a one-element list is the element itself.
        if (a instanceof Seq s
                && s.kind() != Seq.Kind.TUPLE
                && distinct(s.items()).size() == 1
                && !(b instanceof Seq)) return cmp(s.items().get(0), b);
        if (b instanceof Seq s
                && s.kind() != Seq.Kind.TUPLE
                && distinct(s.items()).size() == 1
                && !(a instanceof Seq)) return cmp(a, s.items().get(0));
        if (a instanceof Text || b instanceof Text) return text(a, b);
        if (a instanceof Rel ra && b instanceof Rel rb) return relations(ra, rb);
        if (a instanceof Rel ra
                && (b instanceof Interval
                        || b instanceof Union
                        || b instanceof Seq sb && sb.kind() == Seq.Kind.TUPLE)) {
            Expr iv = relToSet(ra);
            if (iv != null) return cmp(iv, b);
        }
        if (b instanceof Rel rb
                && (a instanceof Interval
                        || a instanceof Union
                        || a instanceof Seq sa && sa.kind() == Seq.Kind.TUPLE)) {
            Expr iv = relToSet(rb);
            if (iv != null) return cmp(a, iv);
        }
        if (b instanceof Rel rb && rb.ops().stream().allMatch("="::equals) && !(a instanceof Rel)) {
            // A prediction "1/2 = 10/9" answers with its last side; a gold equation stays an equation.
            Decision d = cmp(a, rb.parts().get(rb.parts().size() - 1));
            return d.equal()
                    ? new Decision(true, d.rule(), "last side of the predicted equation: " + d.reason(), d.usedCas())
                    : d;
        }
        if (a instanceof Rel || b instanceof Rel) return Decision.no("kind", "relation vs value");
        if (a instanceof Matrix ma && b instanceof Matrix mb) return matrices(ma, mb);
        if (a instanceof Matrix || b instanceof Matrix) {
            Matrix ma = MatrixEval.tryEval(a), mb = MatrixEval.tryEval(b);
            if (ma != null && mb != null) return matrices(ma, mb);
            return Decision.no("kind", "matrix vs non-matrix");
        }
        if (a instanceof Union || b instanceof Union) return unions(pieces(a), pieces(b));
        if (a instanceof Interval ia && b instanceof Interval ib) return intervals(ia, ib);
        if (a instanceof Interval ia
                && b instanceof Seq sb
                && sb.kind() != Seq.Kind.SET
                && sb.items().size() == 2) {
            return intervals(ia, new Interval(sb.items().get(0), sb.items().get(1), false, false));
        }
        if (b instanceof Interval ib
                && a instanceof Seq sa
                && sa.kind() != Seq.Kind.SET
                && sa.items().size() == 2) {
            return intervals(new Interval(sa.items().get(0), sa.items().get(1), false, false), ib);
        }
        if (a instanceof Interval || b instanceof Interval) return Decision.no("kind", "interval vs non-interval");
        if (a instanceof Seq sa && b instanceof Seq sb) return sequences(sa, sb);
        if (a instanceof Seq || b instanceof Seq) return Decision.no("kind", "collection vs single value");
        return scalars(a, b);
    }

    private Decision text(Expr a, Expr b) {
        String ta = flat(a), tb = flat(b);
        if (ta != null && ta.equals(tb)) return Decision.yes("text", "same text '" + ta + "'");
        return Decision.no("text", "text differs: '" + ta + "' vs '" + tb + "'");
    }

    /** Text content with letters/digits only; symbols glued by implicit products read as words. */
    private static String flat(Expr e) {
        return switch (e) {
            case Text t -> t.text().replaceAll("[^\\p{L}\\p{N}_]", "");
            case Sym s -> s.name().replaceAll("[^\\p{L}\\p{N}_]", "");
            case Num n -> n.toString();
            case Mul m -> {
                StringBuilder sb = new StringBuilder();
                for (Expr f : m.factors()) {
                    String x = flat(f);
                    if (x == null) yield null;
                    sb.append(x);
                }
                yield sb.toString();
            }
            default -> null;
        };
    }

    // ---- collections -----------------------------------------------------------------------------

    private Decision sequences(Seq a, Seq b) {
        boolean aSet = a.kind() != Seq.Kind.TUPLE, bSet = b.kind() != Seq.Kind.TUPLE;
        if (a.kind() == Seq.Kind.SET && b.kind() == Seq.Kind.TUPLE
                || a.kind() == Seq.Kind.TUPLE && b.kind() == Seq.Kind.SET) {
            return Decision.no("kind", "set vs tuple (order matters for tuples)");
        }
        if (aSet && bSet) return unordered(distinct(flatten(a.items())), distinct(flatten(b.items())), "set");
        if (opt.strict() && a.kind() != b.kind()) return Decision.no("kind", "list vs tuple (strict)");
        if (a.items().size() != b.items().size())
            return Decision.no(
                    "tuple", "lengths " + a.items().size() + " vs " + b.items().size());
        for (int i = 0; i < a.items().size(); i++) {
            Decision d = cmp(a.items().get(i), b.items().get(i));
            if (!d.equal()) return Decision.no("tuple", "element " + (i + 1) + ": " + d.reason());
        }
        return Decision.yes("tuple", "all " + a.items().size() + " elements equal in order");
    }

    private Decision unordered(List<Expr> a, List<Expr> b, String rule) {
        if (a.size() != b.size()) return Decision.no(rule, "sizes " + a.size() + " vs " + b.size());
        boolean[] used = new boolean[b.size()];
        outer:
        for (Expr x : a) {
            for (int j = 0; j < b.size(); j++) {
                if (!used[j] && cmp(x, b.get(j)).equal()) {
                    used[j] = true;
                    continue outer;
                }
            }
            return Decision.no(rule, "no match for element " + x);
        }
        return Decision.yes(rule, "same " + a.size() + " elements, order-free");
    }

    /** {@code \{1 \pm \sqrt5, -2\}}: the ± pair is two members of the enclosing set. */
    private static List<Expr> flatten(List<Expr> xs) {
        List<Expr> out = new ArrayList<>();
        for (Expr x : xs) {
            if (x instanceof Seq s && s.kind() == Seq.Kind.SET) out.addAll(s.items());
            else out.add(x);
        }
        return out;
    }

    private static List<Expr> distinct(List<Expr> xs) {
        List<Expr> out = new ArrayList<>();
        for (Expr x : xs) if (!out.contains(x)) out.add(x);
        return out;
    }

    private static List<Expr> pieces(Expr e) {
        if (e instanceof Union u) return u.parts();
        return List.of(e);
    }

    private Decision unions(List<Expr> a, List<Expr> b) {
        return unordered(a, b, "union");
    }

    private Decision intervals(Interval a, Interval b) {
        if (a.loClosed() != b.loClosed() || a.hiClosed() != b.hiClosed())
            return Decision.no("interval", "open/closed ends differ");
        Decision lo = cmp(a.lo(), b.lo());
        if (!lo.equal()) return Decision.no("interval", "lower end: " + lo.reason());
        Decision hi = cmp(a.hi(), b.hi());
        if (!hi.equal()) return Decision.no("interval", "upper end: " + hi.reason());
        return Decision.yes("interval", "same ends and closedness");
    }

    private Decision matrices(Matrix a, Matrix b) {
        if (a.rows().size() != b.rows().size()) return Decision.no("matrix", "row counts differ");
        for (int i = 0; i < a.rows().size(); i++) {
            if (a.rows().get(i).size() != b.rows().get(i).size()) return Decision.no("matrix", "column counts differ");
            for (int j = 0; j < a.rows().get(i).size(); j++) {
                Decision d = cmp(a.rows().get(i).get(j), b.rows().get(i).get(j));
                if (!d.equal()) return Decision.no("matrix", "entry (" + (i + 1) + "," + (j + 1) + "): " + d.reason());
            }
        }
        return Decision.yes("matrix", "all entries equal");
    }

    /** {@code a < x < b} with a free middle as an interval; {@code a <= |x| <= b} as two intervals. */
    private static Expr relToSet(Rel r) {
        if (r.parts().size() != 3) return null;
        String o1 = r.ops().get(0), o2 = r.ops().get(1);
        boolean up = o1.startsWith("<") && o2.startsWith("<"), down = o1.startsWith(">") && o2.startsWith(">");
        if (!up && !down) return null;
        Expr lo = up ? r.parts().get(0) : r.parts().get(2),
                hi = up ? r.parts().get(2) : r.parts().get(0);
        boolean loC = (up ? o1 : o2).endsWith("="), hiC = (up ? o2 : o1).endsWith("=");
        Expr mid = r.parts().get(1);
        if (mid instanceof Fn f && f.name().equals("abs")) {
            return new Union(List.of(new Interval(new Neg(hi), new Neg(lo), hiC, loC), new Interval(lo, hi, loC, hiC)));
        }
        return new Interval(lo, hi, loC, hiC);
    }

    // ---- relations -------------------------------------------------------------------------------

    private Decision relations(Rel a, Rel b) {
        if (a.parts().size() != b.parts().size()) return Decision.no("relation", "chains of different length");
        Rel na = orient(a), nb = orient(b);
        if (na == null || nb == null) return Decision.no("relation", "unsupported relation chain");
        if (!na.ops().equals(nb.ops()))
            return Decision.no("relation", "operators differ: " + na.ops() + " vs " + nb.ops());
        boolean symmetric = na.ops().stream().allMatch(o -> o.equals("=") || o.equals("!="));
        for (int i = 0; i < na.ops().size(); i++) {
            Expr da = new Add(List.of(na.parts().get(i), new Neg(na.parts().get(i + 1))));
            Expr db = new Add(List.of(nb.parts().get(i), new Neg(nb.parts().get(i + 1))));
            if (na.parts().size() > 2) {
                // Chains compare side by side: f(2) < f(1) < f(4).
                for (int k = 0; k < na.parts().size(); k++) {
                    Decision d = cmp(na.parts().get(k), nb.parts().get(k));
                    if (!d.equal()) return Decision.no("relation", "term " + (k + 1) + ": " + d.reason());
                }
                return Decision.yes("relation", "same chain");
            }
            Decision d = scalars(da, db);
            if (!d.equal() && symmetric) d = scalars(da, new Neg(db));
            if (!d.equal()) {
                // The same line or curve written differently: both sides scaled (2x+4y=3 and x+2y=3/2),
                // or solved for a variable (y = -x/2 + 3/4). An inequality keeps its sense only under a
                // positive factor.
                Expr c = constantRatio(da, db, symmetric);
                if (c != null) {
                    Decision scaled = scalars(da, new Mul(List.of(c, db)));
                    if (scaled.equal())
                        return new Decision(
                                true,
                                "relation",
                                "same relation up to the factor " + c + " (" + scaled.rule() + ")",
                                scaled.usedCas());
                }
                return Decision.no("relation", "sides differ: " + d.reason());
            }
            return new Decision(true, "relation", "same relation (" + d.rule() + ")", d.usedCas());
        }
        return Decision.no("relation", "empty");
    }

    /**
     * The rational constant c with {@code a = c·b} when sampling shows {@code a/b} constant (a
     * positive one for inequalities), else null. Only a guess: the caller proves {@code a = c·b}.
     */
    private static Expr constantRatio(Expr a, Expr b, boolean anySign) {
        Set<String> vars = new TreeSet<>();
        Evaluator.freeVars(a, vars);
        Evaluator.freeVars(b, vars);
        if (vars.isEmpty()) return null;
        Random rnd = new Random(vars.hashCode() * 17L + 3);
        Double ratio = null;
        for (int k = 0; k < SAMPLES; k++) {
            Map<String, Complex> point = new HashMap<>();
            for (String v : vars) point.put(v, Complex.real(0.35 + 1.7 * rnd.nextDouble()));
            try {
                Complex va = Evaluator.eval(a, point), vb = Evaluator.eval(b, point);
                if (!va.isFinite() || !vb.isFinite() || vb.abs() < 1e-12 || !va.isReal() || !vb.isReal()) continue;
                double r = va.re() / vb.re();
                if (ratio == null) ratio = r;
                else if (Math.abs(r - ratio) > 1e-9 * Math.max(1, Math.abs(ratio))) return null;
            } catch (Evaluator.NotScalar e) {
                return null;
            }
        }
        if (ratio == null || ratio == 0 || !Double.isFinite(ratio) || (!anySign && ratio < 0)) return null;
        return rational(ratio);
    }

    /** A small-denominator fraction within 1e-9 of x (continued fractions), else null. */
    private static Expr rational(double x) {
        double v = Math.abs(x);
        long h0 = 0, h1 = 1, k0 = 1, k1 = 0;
        double f = v;
        for (int i = 0; i < 20; i++) {
            long a = (long) Math.floor(f);
            long h2 = a * h1 + h0, k2 = a * k1 + k0;
            if (k2 > 1_000_000) break;
            h0 = h1;
            h1 = h2;
            k0 = k1;
            k1 = k2;
            if (Math.abs(v - (double) h1 / k1) <= 1e-9 * Math.max(1, v)) {
                Expr q = new Div(new Num(BigDecimal.valueOf(h1), false), new Num(BigDecimal.valueOf(k1), false));
                return x < 0 ? new Neg(q) : q;
            }
            double frac = f - a;
            if (frac < 1e-12) break;
            f = 1 / frac;
        }
        return null;
    }

    /** Rewrites > and >= chains as < and <= by reversing the chain. */
    private static Rel orient(Rel r) {
        boolean allGreater = r.ops().stream().allMatch(o -> o.startsWith(">"));
        boolean anyGreater = r.ops().stream().anyMatch(o -> o.startsWith(">"));
        if (anyGreater && !allGreater) return null;
        if (!allGreater) return r;
        List<Expr> parts = new ArrayList<>(r.parts());
        java.util.Collections.reverse(parts);
        List<String> ops = new ArrayList<>();
        for (int i = r.ops().size() - 1; i >= 0; i--) ops.add(r.ops().get(i).replace('>', '<'));
        return new Rel(parts, ops);
    }

    // ---- scalars ---------------------------------------------------------------------------------

    private Decision scalars(Expr a, Expr b) {
        // Percent rule (see class doc): p% stands for p or p/100; a plain gold is not scaled.
        if (a instanceof Percent pa || b instanceof Percent) {
            Expr a0 = a instanceof Percent p ? p.e() : a, b0 = b instanceof Percent p ? p.e() : b;
            Decision d = scalarsCore(a0, b0);
            if (d.equal())
                return new Decision(true, "percent", "equal as percentages (" + d.reason() + ")", d.usedCas());
            if (a instanceof Percent) {
                Decision d2 = scalarsCore(new Div(a0, new Num(BigDecimal.valueOf(100), false)), b0);
                if (d2.equal()) return new Decision(true, "percent", "p% = p/100 (" + d2.reason() + ")", d2.usedCas());
            }
            if (b instanceof Percent) {
                Decision d2 = scalarsCore(a0, new Div(b0, new Num(BigDecimal.valueOf(100), false)));
                if (d2.equal()) return new Decision(true, "percent", "p% = p/100 (" + d2.reason() + ")", d2.usedCas());
            }
            return Decision.no("percent", d.reason());
        }
        return scalarsCore(a, b);
    }

    private Decision scalarsCore(Expr a, Expr b) {
        Set<String> vars = new TreeSet<>();
        Evaluator.freeVars(a, vars);
        Evaluator.freeVars(b, vars);
        boolean decimal = hasDecimal(a) || hasDecimal(b);
        if (vars.isEmpty()) return constants(a, b, decimal);
        // Exact first here too: x + 10^{20} and x + 10^{20} + 1 differ by exactly 1, which sampling in
        // doubles cannot see.
        Terms diff = Terms.difference(a, b);
        if (diff != null && diff.onlyConstant() && (!decimal || diff.constant().signum() == 0)) {
            return diff.constant().signum() == 0
                    ? Decision.yes("exact", "same terms, exactly")
                    : Decision.no("exact", "differ by exactly " + diff.constant());
        }
        // A constant too large to compute (10^{10^{10}}) would make sampling meaningless and the CAS
        // try to compute it: only the identical written form (decided earlier) matches.
        if (Exact.containsTooLarge(a) || Exact.containsTooLarge(b)) {
            return Decision.no(
                    "exact", "contains a constant too large to compute exactly; only the identical form matches");
        }
        // Random-point sampling: a single clear mismatch refutes the identity without the CAS.
        Random rnd = new Random(vars.hashCode() * 31L + 7);
        int agreed = 0;
        for (int k = 0; k < SAMPLES; k++) {
            Map<String, Complex> point = new HashMap<>();
            for (String v : vars) point.put(v, Complex.real(0.35 + 1.7 * rnd.nextDouble()));
            try {
                Complex va = Evaluator.eval(a, point), vb = Evaluator.eval(b, point);
                if (!va.isFinite() || !vb.isFinite()) continue;
                if (!close(va, vb, 1e-7)) {
                    return Decision.no(
                            "sampling", "differ at " + point.keySet() + " sample: " + fmt(va) + " vs " + fmt(vb));
                }
                agreed++;
            } catch (Evaluator.NotScalar e) {
                return Decision.no("symbolic", "cannot evaluate: " + e.getMessage());
            }
        }
        if (!opt.useCas()) {
            return agreed > 0
                    ? Decision.yes("sampling", "agree at " + agreed + " random points")
                    : Decision.no("sampling", "no point where both sides are defined");
        }
        usedCas = true;
        SymjaCas.Result r = SymjaCas.get().zeroTest(a, b, opt.timeoutMillis());
        return switch (r.outcome()) {
            case ZERO -> new Decision(true, "cas", "CAS: " + r.detail(), true);
            case NONZERO -> new Decision(false, "cas", "CAS: " + r.detail(), true);
            case UNKNOWN ->
                r.detail().startsWith("not expressible") && agreed > 0
                        ? new Decision(true, "sampling", "agree at " + agreed + " random points; " + r.detail(), true)
                        : new Decision(false, "cas", r.detail(), true);
        };
    }

    // ---- constants: the exactness rule -------------------------------------------------------------

    /**
     * Two constants. Exact first: when both sides have exact rational values (integers, fractions,
     * decimals, integer powers, perfect roots, factorials) they are compared exactly, and two exact
     * integers are never equal unless identical. Only a value written as a decimal may be matched
     * by rounding (an approximation such as 0.333333 for 1/3). A value too large to compute matches
     * only its identical form. Irrational values first cancel their common terms exactly, then are
     * compared numerically: at high precision where they are algebraic, else within the tolerance.
     */
    private Decision constants(Expr a, Expr b, boolean decimal) {
        Exact.Q qa = null, qb = null;
        boolean huge = false;
        try {
            qa = Exact.eval(a);
        } catch (Exact.TooLarge e) {
            huge = true;
        } catch (Exact.NotRational e) {
            // irrational or symbolic: handled below
        }
        try {
            qb = Exact.eval(b);
        } catch (Exact.TooLarge e) {
            huge = true;
        } catch (Exact.NotRational e) {
            // irrational or symbolic: handled below
        }
        if (qa != null && qb != null) return rationals(qa, qb, decimal);
        if (huge)
            return Decision.no(
                    "exact",
                    "a value is too large to compute exactly (over 2^18 bits); only the identical form matches");
        Terms diff = Terms.difference(a, b);
        if (diff != null && diff.onlyConstant() && (!decimal || diff.constant().signum() == 0)) {
            return diff.constant().signum() == 0
                    ? Decision.yes("exact", "same terms, exactly")
                    : Decision.no("exact", "differ by exactly " + diff.constant());
        }
        // A decimal is an approximation that may still round to the other side below: only the exact
        // "same terms" verdict applies to it.
        if (diff != null && !decimal && diff.provablyNonZero()) {
            return Decision.no("exact", "differ by a non-zero multiple of an irrational or imaginary value");
        }
        Complex va, vb;
        try {
            va = Evaluator.eval(a, Map.of());
            vb = Evaluator.eval(b, Map.of());
        } catch (Evaluator.NotScalar e) {
            return Decision.no("numeric", "cannot evaluate: " + e.getMessage());
        }
        Decision d = numbers(va, vb, decimal, containsInfinity(a) && containsInfinity(b));
        if (d.equal() && !decimal && va.isFinite() && vb.isFinite()) {
            // Both written exactly: the double agreement must survive a precise evaluation.
            double mag = Math.log10(Math.max(1, Math.max(va.abs(), vb.abs())));
            var precise = Precise.agree(a, b, mag);
            if (precise.isPresent() && !precise.get()) {
                return Decision.no(
                        "precise",
                        "agree as doubles but differ at " + (45 + 2 * (int) Math.ceil(mag)) + " significant digits");
            }
            if (precise.isPresent())
                return Decision.yes("precise", "equal at " + (45 + 2 * (int) Math.ceil(mag)) + " significant digits");
        }
        return d;
    }

    private Decision rationals(Exact.Q a, Exact.Q b, boolean decimal) {
        if (a.compareTo(b) == 0) return Decision.yes("exact", a + " = " + b + " exactly");
        // Two integers written exactly are never equal unless identical: no tolerance, no rounding.
        if (a.isInteger() && b.isInteger() && !decimal)
            return Decision.no("exact", "different integers " + a + " and " + b);
        if (opt.significantDigits() > 0) {
            MathContext mc = new MathContext(opt.significantDigits(), RoundingMode.HALF_UP);
            BigDecimal ra = a.toBigDecimal(opt.significantDigits() + 10).round(mc),
                    rb = b.toBigDecimal(opt.significantDigits() + 10).round(mc);
            if (ra.compareTo(rb) == 0)
                return Decision.yes(
                        "significant-digits",
                        "equal to " + opt.significantDigits() + " significant digits: " + ra.toString());
        }
        if (decimal) {
            BigDecimal ra = roundPlaces(a), rb = roundPlaces(b);
            if (ra.compareTo(rb) == 0)
                return Decision.yes(
                        "numeric", "equal after rounding to " + opt.precision() + " places: " + ra.toPlainString());
        }
        return Decision.no("exact", a + " != " + b);
    }

    private BigDecimal roundPlaces(Exact.Q q) {
        BigDecimal v =
                new BigDecimal(q.num()).divide(new BigDecimal(q.den()), opt.precision() + 5, RoundingMode.HALF_UP);
        return v.setScale(opt.precision(), RoundingMode.HALF_UP);
    }

    private Decision numbers(Complex a, Complex b, boolean decimal, boolean bothWriteInfinity) {
        if (!a.isFinite() || !b.isFinite()) {
            // Only a written infinity is infinite: a finite value that overflows a double is not.
            boolean eq = bothWriteInfinity && a.re() == b.re() && Double.isInfinite(a.re()) && a.isReal() && b.isReal();
            return eq
                    ? Decision.yes("numeric", "same infinity")
                    : Decision.no("numeric", fmt(a) + " vs " + fmt(b) + " (not comparable as doubles)");
        }
        if (close(a, b, opt.relTolerance()))
            return Decision.yes("numeric", fmt(a) + " = " + fmt(b) + " (rel. tol " + opt.relTolerance() + ")");
        if (opt.significantDigits() > 0 && a.isReal() && b.isReal()) {
            MathContext mc = new MathContext(opt.significantDigits(), RoundingMode.HALF_UP);
            BigDecimal ra = new BigDecimal(a.re()).round(mc), rb = new BigDecimal(b.re()).round(mc);
            if (ra.compareTo(rb) == 0)
                return Decision.yes(
                        "significant-digits", "equal to " + opt.significantDigits() + " significant digits: " + ra);
        }
        if (decimal && a.isReal() && b.isReal()) {
            BigDecimal ra = BigDecimal.valueOf(a.re()).setScale(opt.precision(), RoundingMode.HALF_UP);
            BigDecimal rb = BigDecimal.valueOf(b.re()).setScale(opt.precision(), RoundingMode.HALF_UP);
            if (ra.compareTo(rb) == 0)
                return Decision.yes(
                        "numeric", "equal after rounding to " + opt.precision() + " places: " + ra.toPlainString());
        }
        return Decision.no("numeric", fmt(a) + " != " + fmt(b));
    }

    private static boolean containsInfinity(Expr e) {
        Set<String> names = new TreeSet<>();
        symbols(e, names);
        return names.contains("oo");
    }

    private static void symbols(Expr e, Set<String> out) {
        switch (e) {
            case Sym s -> out.add(s.name());
            case Neg n -> symbols(n.e(), out);
            case Add a -> a.terms().forEach(t -> symbols(t, out));
            case Mul m -> m.factors().forEach(t -> symbols(t, out));
            case Div d -> {
                symbols(d.num(), out);
                symbols(d.den(), out);
            }
            case Pow p -> {
                symbols(p.base(), out);
                symbols(p.exp(), out);
            }
            case Percent p -> symbols(p.e(), out);
            case Fn f -> f.args().forEach(t -> symbols(t, out));
            default -> {}
        }
    }

    private static boolean close(Complex a, Complex b, double rel) {
        double diff = a.sub(b).abs();
        return diff <= 1e-12 || diff <= rel * Math.max(a.abs(), b.abs());
    }

    private static String fmt(Complex c) {
        return c.isReal() ? String.valueOf(c.re()) : c.re() + (c.im() < 0 ? "" : "+") + c.im() + "i";
    }

    private static boolean hasDecimal(Expr e) {
        return switch (e) {
            case Num n -> n.decimal();
            case Neg n -> hasDecimal(n.e());
            case Add x -> x.terms().stream().anyMatch(Equivalence::hasDecimal);
            case Mul x -> x.factors().stream().anyMatch(Equivalence::hasDecimal);
            case Div d -> hasDecimal(d.num()) || hasDecimal(d.den());
            case Pow p -> hasDecimal(p.base()) || hasDecimal(p.exp());
            case Percent p -> hasDecimal(p.e());
            case Fn f -> f.args().stream().anyMatch(Equivalence::hasDecimal);
            default -> false;
        };
    }
}
