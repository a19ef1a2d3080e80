package dev.r1serve.reward.verify.internal;

import dev.r1serve.reward.verify.normalize.Expr;
import dev.r1serve.reward.verify.normalize.Expr.*;
import java.util.Map;
import java.util.Set;

/**
 * Numeric evaluation of scalar {@link Expr}s in complex doubles. Used for the numeric fast path and
 * for random-point sampling of expressions with variables (a cheap filter before the CAS).
 */
public final class Evaluator {
    private Evaluator() {}

    /** Thrown for expressions that have no scalar value (sets, text, relations, unknown functions). */
    public static final class NotScalar extends Exception {
        public NotScalar(String m) {
            super(m, null, false, false);
        }
    }

    public static Complex eval(Expr e, Map<String, Complex> vars) throws NotScalar {
        return switch (e) {
            case Num n -> Complex.real(n.value().doubleValue());
            case Sym s -> sym(s.name(), vars);
            case Neg n -> eval(n.e(), vars).neg();
            case Add a -> {
                Complex acc = Complex.ZERO;
                for (Expr t : a.terms()) acc = acc.add(eval(t, vars));
                yield acc;
            }
            case Mul m -> {
                Complex acc = Complex.ONE;
                for (Expr t : m.factors()) acc = acc.mul(eval(t, vars));
                yield acc;
            }
            case Div d -> eval(d.num(), vars).div(eval(d.den(), vars));
            case Pow p -> eval(p.base(), vars).pow(eval(p.exp(), vars));
            case Percent p -> eval(p.e(), vars).div(Complex.real(100));
            case Fn f -> fn(f, vars);
            default -> throw new NotScalar(e.getClass().getSimpleName());
        };
    }

    private static Complex sym(String name, Map<String, Complex> vars) throws NotScalar {
        Complex v = vars.get(name);
        if (v != null) return v;
        return switch (name) {
            case "pi" -> Complex.real(Math.PI);
            case "e" -> Complex.real(Math.E);
            case "i" -> Complex.I;
            case "oo" -> Complex.real(Double.POSITIVE_INFINITY);
            default -> throw new NotScalar("free variable " + name);
        };
    }

    private static Complex fn(Fn f, Map<String, Complex> vars) throws NotScalar {
        Complex a = eval(f.args().get(0), vars);
        return switch (f.name()) {
            case "sqrt" -> a.sqrt();
            case "root" -> a.pow(Complex.ONE.div(eval(f.args().get(1), vars)));
            case "sin" -> a.sin();
            case "cos" -> a.cos();
            case "tan" -> a.sin().div(a.cos());
            case "sec" -> Complex.ONE.div(a.cos());
            case "csc" -> Complex.ONE.div(a.sin());
            case "cot" -> a.cos().div(a.sin());
            case "exp" -> a.exp();
            case "ln" -> a.log();
            case "log" -> a.log(); // natural log, as in Math-Verify / sympy
            case "log10" -> a.log().div(Complex.real(Math.log(10)));
            case "logb" -> a.log().div(eval(f.args().get(1), vars).log());
            case "abs" -> Complex.real(a.abs());
            case "arcsin" -> realFn(a, Math::asin);
            case "arccos" -> realFn(a, Math::acos);
            case "arctan" -> realFn(a, Math::atan);
            case "sinh" -> realFn(a, Math::sinh);
            case "cosh" -> realFn(a, Math::cosh);
            case "tanh" -> realFn(a, Math::tanh);
            case "floor" -> realFn(a, Math::floor);
            case "ceil" -> realFn(a, Math::ceil);
            case "factorial" -> {
                if (!a.isReal() || a.re() < 0 || a.re() != Math.rint(a.re()))
                    throw new NotScalar("factorial of non-integer");
                if (a.re() > 170) yield Complex.real(Double.POSITIVE_INFINITY);
                double r = 1;
                for (int k = 2; k <= (int) a.re(); k++) r *= k;
                yield Complex.real(r);
            }
            case "binom" -> {
                Complex b = eval(f.args().get(1), vars);
                if (!a.isReal() || !b.isReal()) throw new NotScalar("binom of complex");
                double n = a.re(), k = b.re();
                if (k != Math.rint(k) || k < 0 || k > 1000) throw new NotScalar("binom k");
                double r = 1;
                for (int j = 0; j < (int) k; j++) r = r * (n - j) / (j + 1);
                yield Complex.real(r);
            }
            default -> throw new NotScalar("unknown function " + f.name());
        };
    }

    private static Complex realFn(Complex a, java.util.function.DoubleUnaryOperator f) throws NotScalar {
        if (!a.isReal()) throw new NotScalar("complex argument");
        return Complex.real(f.applyAsDouble(a.re()));
    }

    /** Free variables of an expression (names that are not constants). */
    public static void freeVars(Expr e, Set<String> out) {
        switch (e) {
            case Sym s -> {
                if (!Set.of("pi", "e", "i", "oo").contains(s.name())) out.add(s.name());
            }
            case Neg n -> freeVars(n.e(), out);
            case Add a -> a.terms().forEach(t -> freeVars(t, out));
            case Mul m -> m.factors().forEach(t -> freeVars(t, out));
            case Div d -> {
                freeVars(d.num(), out);
                freeVars(d.den(), out);
            }
            case Pow p -> {
                freeVars(p.base(), out);
                freeVars(p.exp(), out);
            }
            case Percent p -> freeVars(p.e(), out);
            case Fn f -> f.args().forEach(t -> freeVars(t, out));
            default -> {}
        }
    }
}
