package dev.r1serve.reward.verify.internal;

import dev.r1serve.reward.verify.normalize.Expr;
import dev.r1serve.reward.verify.normalize.Expr.*;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * High-precision values of algebraic constants (sums, products, quotients, rational powers and
 * roots of rationals) in {@link BigDecimal}. Doubles cannot tell {@code \sqrt{10^{40}+1}} from
 * {@code 10^{20}}; at {@code 45 + 2E} significant digits (E the decimal magnitude) they differ,
 * while honest rewritings ({@code 2\sqrt2} and {@code \sqrt8}) still agree.
 */
final class Precise {
    private Precise() {}

    /** Beyond this magnitude (10^E) no precise check is attempted. */
    private static final int MAX_MAGNITUDE = 2000;

    /** Values with no precise evaluation here (transcendental constants, functions, huge values). */
    private static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    /**
     * Whether {@code a} and {@code b} agree to the precision their magnitude calls for; empty when
     * either side is outside the algebraic subset this class evaluates.
     *
     * @param magnitude an estimate of log10 of the larger value (from the double evaluation)
     */
    static Optional<Boolean> agree(Expr a, Expr b, double magnitude) {
        if (!Double.isFinite(magnitude) || magnitude > MAX_MAGNITUDE) return Optional.empty();
        int e = (int) Math.max(0, Math.ceil(magnitude));
        MathContext mc = new MathContext(45 + 2 * e, RoundingMode.HALF_EVEN);
        try {
            BigDecimal va = eval(a, mc), vb = eval(b, mc);
            BigDecimal scale = va.abs().max(vb.abs());
            if (scale.signum() == 0) return Optional.of(true);
            BigDecimal tol = scale.scaleByPowerOfTen(-(mc.getPrecision() - 15));
            return Optional.of(va.subtract(vb).abs().compareTo(tol) <= 0);
        } catch (Unsupported | ArithmeticException x) {
            return Optional.empty();
        }
    }

    private static BigDecimal eval(Expr e, MathContext mc) throws Unsupported {
        return switch (e) {
            case Num n -> n.value();
            case Neg n -> eval(n.e(), mc).negate();
            case Add a -> {
                BigDecimal acc = BigDecimal.ZERO;
                for (Expr t : a.terms()) acc = acc.add(eval(t, mc), mc);
                yield acc;
            }
            case Mul m -> {
                BigDecimal acc = BigDecimal.ONE;
                for (Expr f : m.factors()) acc = acc.multiply(eval(f, mc), mc);
                yield acc;
            }
            case Div d -> {
                BigDecimal den = eval(d.den(), mc);
                if (den.signum() == 0) throw new Unsupported();
                yield eval(d.num(), mc).divide(den, mc);
            }
            case Percent p -> eval(p.e(), mc).movePointLeft(2);
            case Pow p -> pow(eval(p.base(), mc), p.exp(), mc);
            case Fn f when f.name().equals("sqrt") -> root(eval(f.args().get(0), mc), 2, mc);
            case Fn f
            when f.name().equals("root") ->
                root(eval(f.args().get(0), mc), smallInt(f.args().get(1)), mc);
            case Fn f when f.name().equals("abs") -> eval(f.args().get(0), mc).abs();
            case Fn f when f.name().equals("factorial") || f.name().equals("binom") -> exact(f);
            default -> throw new Unsupported();
        };
    }

    private static BigDecimal exact(Expr e) throws Unsupported {
        try {
            Exact.Q q = Exact.eval(e);
            return new BigDecimal(q.num()).divide(new BigDecimal(q.den()), MathContext.DECIMAL128);
        } catch (Exact.NotRational | Exact.TooLarge x) {
            throw new Unsupported();
        }
    }

    private static int smallInt(Expr e) throws Unsupported {
        try {
            Exact.Q q = Exact.eval(e);
            if (!q.isInteger() || q.signum() <= 0 || q.num().bitLength() > 7) throw new Unsupported();
            return q.num().intValue();
        } catch (Exact.NotRational | Exact.TooLarge x) {
            throw new Unsupported();
        }
    }

    /** base^(p/q) for an exact rational exponent with a small denominator. */
    private static BigDecimal pow(BigDecimal base, Expr exp, MathContext mc) throws Unsupported {
        Exact.Q q;
        try {
            q = Exact.eval(exp);
        } catch (Exact.NotRational | Exact.TooLarge x) {
            throw new Unsupported();
        }
        if (q.num().bitLength() > 20 || q.den().bitLength() > 7) throw new Unsupported();
        BigDecimal r = q.isInteger() ? base : root(base, q.den().intValue(), mc);
        int n = q.num().intValue();
        if (r.signum() == 0 && n < 0) throw new Unsupported();
        return r.pow(n, mc);
    }

    /** The real q-th root (negative radicands only for odd q), by Newton's method. */
    private static BigDecimal root(BigDecimal x, int q, MathContext mc) throws Unsupported {
        if (x.signum() == 0 || q == 1) return x;
        if (x.signum() < 0) {
            if (q % 2 == 0) throw new Unsupported();
            return root(x.negate(), q, mc).negate();
        }
        if (q == 2) return x.sqrt(mc);
        MathContext work = new MathContext(mc.getPrecision() + 10, RoundingMode.HALF_EVEN);
        int exp10 = x.precision() - x.scale() - 1;
        BigDecimal y = BigDecimal.ONE.scaleByPowerOfTen(exp10 / q + 1);
        BigDecimal bq = BigDecimal.valueOf(q), bq1 = BigDecimal.valueOf(q - 1);
        for (int i = 0; i < 400; i++) {
            BigDecimal next = bq1.multiply(y, work)
                    .add(x.divide(y.pow(q - 1, work), work), work)
                    .divide(bq, work);
            if (next.compareTo(y) == 0
                    || next.subtract(y).abs().compareTo(y.abs().scaleByPowerOfTen(-work.getPrecision())) <= 0) {
                return next.round(mc);
            }
            y = next;
        }
        return y.round(mc);
    }
}
