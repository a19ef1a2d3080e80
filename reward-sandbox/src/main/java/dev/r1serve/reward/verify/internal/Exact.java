package dev.r1serve.reward.verify.internal;

import dev.r1serve.reward.verify.normalize.Expr;
import dev.r1serve.reward.verify.normalize.Expr.*;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact rational values of constant answers: integers, fractions, finite decimals, integer powers,
 * perfect roots, factorials and binomials, computed with {@link BigInteger} so that
 * {@code 10^{20}+1} and {@code 10^{20}} (equal as doubles) stay different.
 *
 * <p>Every operation checks the size of its result before computing it: a value over
 * {@link #MAX_BITS} (a tower such as {@code 10^{10^{10}}}) is reported as {@link TooLarge} at
 * once instead of being computed, so hostile input costs microseconds, not a hang.
 */
public final class Exact {
    private Exact() {}

    /** Largest numerator or denominator computed exactly: 2^18 bits, about 79,000 decimal digits. */
    public static final int MAX_BITS = 1 << 18;
    /** Largest n for which n! is computed (about 19,000 bits), and largest k of a binomial. */
    static final int MAX_FACTORIAL = 2000;
    /** Largest root index tried for perfect roots. */
    static final int MAX_ROOT = 64;

    /** The expression has no rational value this class can compute (irrational, symbolic, complex). */
    public static final class NotRational extends Exception {
        NotRational(String m) {
            super(m, null, false, false);
        }
    }

    /** The exact value exists but is larger than {@link #MAX_BITS}. */
    public static final class TooLarge extends Exception {
        TooLarge(String m) {
            super(m, null, false, false);
        }
    }

    /** A reduced fraction with a positive denominator. */
    public record Q(BigInteger num, BigInteger den) implements Comparable<Q> {
        public static final Q ZERO = new Q(BigInteger.ZERO, BigInteger.ONE);
        public static final Q ONE = new Q(BigInteger.ONE, BigInteger.ONE);

        static Q of(BigInteger n, BigInteger d) throws NotRational {
            if (d.signum() == 0) throw new NotRational("division by zero");
            if (d.signum() < 0) {
                n = n.negate();
                d = d.negate();
            }
            BigInteger g = n.gcd(d);
            if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
                n = n.divide(g);
                d = d.divide(g);
            }
            return new Q(n, d);
        }

        public static Q of(BigDecimal v) {
            BigInteger u = v.unscaledValue();
            int scale = v.scale();
            try {
                return scale <= 0
                        ? new Q(u.multiply(BigInteger.TEN.pow(-scale)), BigInteger.ONE)
                        : of(u, BigInteger.TEN.pow(scale));
            } catch (NotRational e) {
                throw new AssertionError(e); // 10^scale is never zero
            }
        }

        public boolean isInteger() {
            return den.equals(BigInteger.ONE);
        }

        public int signum() {
            return num.signum();
        }

        int bits() {
            return Math.max(num.bitLength(), den.bitLength());
        }

        Q negate() {
            return new Q(num.negate(), den);
        }

        Q add(Q o) throws TooLarge, NotRational {
            checkBits(bits() + o.bits() + 1);
            // Integers need no gcd (which costs far more than the sum on numbers of thousands of digits).
            if (isInteger() && o.isInteger()) return new Q(num.add(o.num), BigInteger.ONE);
            return of(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
        }

        Q mul(Q o) throws TooLarge, NotRational {
            checkBits(bits() + o.bits());
            if (isInteger() && o.isInteger()) return new Q(num.multiply(o.num), BigInteger.ONE);
            return of(num.multiply(o.num), den.multiply(o.den));
        }

        Q div(Q o) throws TooLarge, NotRational {
            if (o.signum() == 0) throw new NotRational("division by zero");
            checkBits(bits() + o.bits());
            return of(num.multiply(o.den), den.multiply(o.num));
        }

        /** The value as a BigDecimal with {@code digits} significant digits. */
        public BigDecimal toBigDecimal(int digits) {
            return new BigDecimal(num)
                    .divide(new BigDecimal(den), new java.math.MathContext(digits, java.math.RoundingMode.HALF_EVEN));
        }

        @Override
        public int compareTo(Q o) {
            return num.multiply(o.den).compareTo(o.num.multiply(den));
        }

        @Override
        public String toString() {
            String n = abbreviate(num.toString());
            return isInteger() ? n : n + "/" + abbreviate(den.toString());
        }

        private static String abbreviate(String s) {
            return s.length() <= 40
                    ? s
                    : s.substring(0, 18) + "..." + s.substring(s.length() - 18) + " (" + s.length() + " digits)";
        }
    }

    /**
     * Bits of big results one comparison may compute in all (about 4 maximal values): an answer
     * made of hundreds of large factorials or powers is "too large", not minutes of arithmetic.
     */
    public static final long WORK_BUDGET_BITS = 4L * MAX_BITS;

    private static final ThreadLocal<long[]> WORK = ThreadLocal.withInitial(() -> new long[1]);

    /** Starts a fresh work budget for the calling thread (one per comparison). */
    public static void resetBudget() {
        WORK.get()[0] = 0;
    }

    private static void checkBits(long bits) throws TooLarge {
        if (bits > MAX_BITS)
            throw new TooLarge("exact value over 2^" + Integer.numberOfTrailingZeros(MAX_BITS) + " bits");
        // Only results of a meaningful size count, so ordinary answers never come near the budget.
        if (bits > 4096) {
            long[] w = WORK.get();
            w[0] += bits;
            if (w[0] > WORK_BUDGET_BITS)
                throw new TooLarge("exact work over " + WORK_BUDGET_BITS + " bits for one comparison");
        }
    }

    /** The exact value of a constant expression. */
    public static Q eval(Expr e) throws NotRational, TooLarge {
        return switch (e) {
            case Num n -> Q.of(n.value());
            case Neg n -> eval(n.e()).negate();
            case Add a -> {
                Q acc = Q.ZERO;
                for (Expr t : a.terms()) acc = acc.add(eval(t));
                yield acc;
            }
            case Mul m -> {
                Q acc = Q.ONE;
                for (Expr f : m.factors()) acc = acc.mul(eval(f));
                yield acc;
            }
            case Div d -> eval(d.num()).div(eval(d.den()));
            case Percent p -> eval(p.e()).div(new Q(BigInteger.valueOf(100), BigInteger.ONE));
            case Pow p -> pow(p.base(), p.exp());
            case Fn f -> fn(f);
            case Sym s -> throw new NotRational(s.name().equals("oo") ? "infinity" : "symbol " + s.name());
            default -> throw new NotRational(e.getClass().getSimpleName());
        };
    }

    /**
     * Whether any constant power, factorial or binomial inside {@code e} (variables allowed elsewhere)
     * is too large to compute: such answers never go to sampling or the CAS, which would try.
     */
    public static boolean containsTooLarge(Expr e) {
        return switch (e) {
            case Pow p -> tooLarge(p) || containsTooLarge(p.base()) || containsTooLarge(p.exp());
            case Fn f ->
                (f.name().equals("factorial") || f.name().equals("binom")) && tooLarge(f)
                        || f.args().stream().anyMatch(Exact::containsTooLarge);
            case Neg n -> containsTooLarge(n.e());
            case Add a -> a.terms().stream().anyMatch(Exact::containsTooLarge);
            case Mul m -> m.factors().stream().anyMatch(Exact::containsTooLarge);
            case Div d -> containsTooLarge(d.num()) || containsTooLarge(d.den());
            case Percent p -> containsTooLarge(p.e());
            default -> false;
        };
    }

    private static boolean tooLarge(Expr e) {
        try {
            eval(e);
            return false;
        } catch (TooLarge t) {
            return true;
        } catch (NotRational n) {
            return false;
        }
    }

    private static Q pow(Expr baseExpr, Expr expExpr) throws NotRational, TooLarge {
        Q base = eval(baseExpr);
        Q exp;
        try {
            exp = eval(expExpr);
        } catch (TooLarge t) {
            // 1^(huge) and 0^(huge) are still exact; anything else is astronomically large or small.
            if (base.equals(Q.ONE) || base.signum() == 0) return base;
            throw t;
        }
        if (!exp.isInteger()) {
            // x^(p/q): exact only when x is a perfect q-th power.
            if (exp.den().bitLength() > 7 || exp.den().intValue() > MAX_ROOT)
                throw new NotRational("root index too large");
            base = root(base, exp.den().intValue());
            exp = new Q(exp.num(), BigInteger.ONE);
        }
        BigInteger n = exp.num();
        if (base.signum() == 0) {
            if (n.signum() < 0) throw new NotRational("division by zero");
            return n.signum() == 0 ? Q.ONE : Q.ZERO;
        }
        boolean unit = base.den().equals(BigInteger.ONE) && base.num().abs().equals(BigInteger.ONE);
        if (unit) return base.num().signum() > 0 || !n.testBit(0) ? Q.ONE : Q.ONE.negate();
        if (n.bitLength() > 31) throw new TooLarge("exponent " + exp + " too large");
        int k = Math.abs(n.intValue());
        checkBits((long) base.bits() * k);
        Q r = new Q(base.num().pow(k), base.den().pow(k));
        return n.signum() >= 0 ? r : Q.of(r.den(), r.num());
    }

    /** The exact q-th root of a rational, when it is one. */
    static Q root(Q x, int q) throws NotRational {
        if (q == 1) return x;
        if (x.signum() < 0 && q % 2 == 0) throw new NotRational("even root of a negative number");
        BigInteger n = iroot(x.num().abs(), q), d = iroot(x.den(), q);
        if (n == null || d == null) throw new NotRational("not a perfect " + q + "-th power");
        return new Q(x.signum() < 0 ? n.negate() : n, d);
    }

    /** The integer q-th root of a non-negative integer when exact, else null. */
    private static BigInteger iroot(BigInteger x, int q) {
        if (x.signum() == 0 || x.equals(BigInteger.ONE)) return x;
        if (q == 2) {
            BigInteger r = x.sqrt();
            return r.multiply(r).equals(x) ? r : null;
        }
        // Newton's method from an upper bound: r_{k+1} = ((q-1) r_k + x / r_k^(q-1)) / q.
        BigInteger bq = BigInteger.valueOf(q);
        BigInteger r = BigInteger.ONE.shiftLeft(x.bitLength() / q + 1);
        while (true) {
            BigInteger next = r.multiply(bq.subtract(BigInteger.ONE))
                    .add(x.divide(r.pow(q - 1)))
                    .divide(bq);
            if (next.compareTo(r) >= 0) break;
            r = next;
        }
        return r.pow(q).equals(x) ? r : null;
    }

    /** lo·(lo+1)···hi by binary splitting (balanced products are much cheaper than a running one). */
    private static BigInteger product(BigInteger lo, BigInteger hi) {
        int c = hi.compareTo(lo);
        if (c < 0) return BigInteger.ONE;
        if (c == 0) return lo;
        if (hi.subtract(lo).compareTo(BigInteger.valueOf(8)) < 0) {
            BigInteger r = lo;
            for (BigInteger k = lo.add(BigInteger.ONE); k.compareTo(hi) <= 0; k = k.add(BigInteger.ONE))
                r = r.multiply(k);
            return r;
        }
        BigInteger mid = lo.add(hi).shiftRight(1);
        return product(lo, mid).multiply(product(mid.add(BigInteger.ONE), hi));
    }

    private static Q fn(Fn f) throws NotRational, TooLarge {
        switch (f.name()) {
            case "sqrt" -> {
                return root(eval(f.args().get(0)), 2);
            }
            case "root" -> {
                Q idx = eval(f.args().get(1));
                if (!idx.isInteger() || idx.signum() <= 0 || idx.num().compareTo(BigInteger.valueOf(MAX_ROOT)) > 0) {
                    throw new NotRational("root index");
                }
                return root(eval(f.args().get(0)), idx.num().intValue());
            }
            case "abs" -> {
                Q v = eval(f.args().get(0));
                return v.signum() < 0 ? v.negate() : v;
            }
            case "floor", "ceil" -> {
                Q v = eval(f.args().get(0));
                BigInteger[] qr = v.num().divideAndRemainder(v.den());
                BigInteger fl = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
                if (f.name().equals("ceil") && qr[1].signum() != 0) fl = fl.add(BigInteger.ONE);
                return new Q(fl, BigInteger.ONE);
            }
            case "factorial" -> {
                Q v = eval(f.args().get(0));
                if (!v.isInteger() || v.signum() < 0) throw new NotRational("factorial of a non-natural number");
                if (v.num().compareTo(BigInteger.valueOf(MAX_FACTORIAL)) > 0) throw new TooLarge("factorial of " + v);
                int n = v.num().intValue();
                checkBits((long) (n * (Math.log(Math.max(n, 2)) / Math.log(2)))); // log2 n! < n log2 n
                return new Q(product(BigInteger.ONE, v.num()), BigInteger.ONE);
            }
            case "binom" -> {
                Q n = eval(f.args().get(0)), k = eval(f.args().get(1));
                if (!n.isInteger() || !k.isInteger() || n.signum() < 0 || k.signum() < 0)
                    throw new NotRational("binomial of non-naturals");
                if (k.compareTo(n) > 0) return Q.ZERO;
                BigInteger kk = k.num().min(n.num().subtract(k.num()));
                if (kk.compareTo(BigInteger.valueOf(MAX_FACTORIAL)) > 0
                        || n.num().bitLength() > 64) throw new TooLarge("binomial " + n + " choose " + k);
                if (kk.signum() == 0) return Q.ONE;
                checkBits((long) kk.intValue() * n.num().bitLength());
                BigInteger top = product(n.num().subtract(kk).add(BigInteger.ONE), n.num());
                checkBits(top.bitLength());
                return new Q(top.divide(product(BigInteger.ONE, kk)), BigInteger.ONE);
            }
            default -> throw new NotRational("function " + f.name());
        }
    }
}
