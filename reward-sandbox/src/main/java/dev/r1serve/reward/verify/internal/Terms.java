package dev.r1serve.reward.verify.internal;

import dev.r1serve.reward.verify.internal.Exact.Q;
import dev.r1serve.reward.verify.normalize.Expr;
import dev.r1serve.reward.verify.normalize.Expr.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A constant as an exact rational plus rational multiples of the non-rational parts ("atoms") it
 * is built from: {@code e^{1000}+1} is {@code 1 + 1·[e^1000]}. Subtracting two answers this way
 * shows exactly when they differ only by a rational amount, however small or large next to the
 * irrational part ({@code \sin 1 + 10^{-20}} against {@code \sin 1}), which no floating-point
 * tolerance can see.
 */
final class Terms {
    private final Map<String, Q> atoms = new TreeMap<>();
    private final Map<String, Expr> atomExprs = new TreeMap<>();
    private Q constant = Q.ZERO;

    /** The decomposition of {@code e}, or null when an exact part is too large to hold. */
    static Terms of(Expr e) {
        Terms t = new Terms();
        try {
            t.add(e, Q.ONE);
            return t;
        } catch (Exact.TooLarge | Exact.NotRational x) {
            return null;
        }
    }

    /** {@code a - b} as terms, or null. */
    static Terms difference(Expr a, Expr b) {
        Terms ta = of(a), tb = of(b);
        if (ta == null || tb == null) return null;
        try {
            for (var en : tb.atoms.entrySet()) {
                ta.atomExprs.putIfAbsent(en.getKey(), tb.atomExprs.get(en.getKey()));
                ta.addAtom(en.getKey(), en.getValue().negate());
            }
            ta.constant = ta.constant.add(tb.constant.negate());
            return ta;
        } catch (Exact.TooLarge | Exact.NotRational x) {
            return null;
        }
    }

    /**
     * Whether what is left is a rational plus a non-zero rational multiple of one value known to be
     * irrational or not real ({@code \pi}, {@code e}, {@code i}, a root that is not perfect): such
     * a difference can never be zero ({@code 5 + 10^{-100}i} is not 5).
     */
    boolean provablyNonZero() {
        if (atoms.size() != 1) return false;
        Expr atom = atomExprs.get(atoms.keySet().iterator().next());
        return atom != null && knownIrrational(atom);
    }

    private static boolean knownIrrational(Expr e) {
        return switch (e) {
            case Sym s ->
                s.name().equals("pi") || s.name().equals("e") || s.name().equals("i");
            case Fn f when f.name().equals("sqrt") || f.name().equals("root") -> rationalArgs(f) && notRational(f);
            case Pow p ->
                (p.base() instanceof Sym b
                                && (b.name().equals("e") || b.name().equals("pi"))
                                && nonZeroInteger(p.exp()))
                        || (rationalArgs(p) && notRational(p));
            default -> false;
        };
    }

    private static boolean rationalArgs(Expr e) {
        List<Expr> args = e instanceof Fn f ? f.args() : e instanceof Pow p ? List.of(p.base(), p.exp()) : List.of();
        for (Expr a : args) {
            try {
                Exact.eval(a);
            } catch (Exact.NotRational | Exact.TooLarge x) {
                return false;
            }
        }
        return !args.isEmpty();
    }

    /** A root or power of rationals with no rational value: irrational (or not real). */
    private static boolean notRational(Expr e) {
        try {
            Exact.eval(e);
            return false;
        } catch (Exact.NotRational x) {
            return !x.getMessage().contains("division by zero")
                    && !x.getMessage().contains("root index");
        } catch (Exact.TooLarge x) {
            return false;
        }
    }

    private static boolean nonZeroInteger(Expr e) {
        try {
            Q q = Exact.eval(e);
            return q.isInteger() && q.signum() != 0;
        } catch (Exact.NotRational | Exact.TooLarge x) {
            return false;
        }
    }

    /** Whether every non-rational part cancelled. */
    boolean onlyConstant() {
        return atoms.isEmpty();
    }

    Q constant() {
        return constant;
    }

    private void add(Expr e, Q coeff) throws Exact.TooLarge, Exact.NotRational {
        switch (e) {
            case Add a -> {
                for (Expr t : a.terms()) add(t, coeff);
            }
            case Neg n -> add(n.e(), coeff.negate());
            case Mul m -> {
                Q c = coeff;
                List<String> rest = new ArrayList<>();
                for (Expr f : m.factors()) {
                    Q q = rational(f);
                    if (q != null) c = c.mul(q);
                    else rest.add(f.toString());
                }
                if (rest.isEmpty()) constant = constant.add(c);
                else {
                    rest.sort(null); // products commute: 2\pi and \pi \cdot 2 share one atom
                    String key = String.join("*", rest);
                    if (rest.size() == 1) {
                        for (Expr f : m.factors()) if (f.toString().equals(key)) atomExprs.putIfAbsent(key, f);
                    }
                    addAtom(key, c);
                }
            }
            case Div d -> {
                Q den = rational(d.den());
                if (den != null && den.signum() != 0) add(d.num(), coeff.div(den));
                else atomOrConstant(e, coeff);
            }
            default -> atomOrConstant(e, coeff);
        }
    }

    private void atomOrConstant(Expr e, Q coeff) throws Exact.TooLarge, Exact.NotRational {
        Q q = rational(e);
        if (q != null) constant = constant.add(coeff.mul(q));
        else {
            atomExprs.putIfAbsent(e.toString(), e);
            addAtom(e.toString(), coeff);
        }
    }

    private void addAtom(String key, Q coeff) throws Exact.TooLarge, Exact.NotRational {
        Q sum = atoms.containsKey(key) ? atoms.get(key).add(coeff) : coeff;
        if (sum.signum() == 0) atoms.remove(key);
        else atoms.put(key, sum);
    }

    /** The exact value of a sub-expression, null when it has none; too large propagates. */
    private static Q rational(Expr e) throws Exact.TooLarge {
        try {
            return Exact.eval(e);
        } catch (Exact.NotRational x) {
            return null;
        }
    }
}
