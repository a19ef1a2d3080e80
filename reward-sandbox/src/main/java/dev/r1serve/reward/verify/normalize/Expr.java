package dev.r1serve.reward.verify.normalize;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed answer. The tree is deliberately small: enough structure to compare answers (numbers,
 * expressions, relations, sets, tuples, intervals, matrices) without a full computer algebra system.
 * {@link #toString()} gives a canonical, readable form used as the "normalized" answer.
 */
public sealed interface Expr {

    /** A numeric literal; {@code decimal} is true when it was written with a decimal point or exponent. */
    record Num(java.math.BigDecimal value, boolean decimal) implements Expr {
        @Override
        public String toString() {
            return value.stripTrailingZeros().toPlainString();
        }
    }

    /** A variable or named constant ({@code pi}, {@code e}, {@code i}, {@code oo}). */
    record Sym(String name) implements Expr {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Free text or an atom compared literally (e.g. {@code \text{Evelyn}}, base-n numerals {@code 204_5}). */
    record Text(String text) implements Expr {
        @Override
        public String toString() {
            return "\"" + text + "\"";
        }
    }

    record Add(List<Expr> terms) implements Expr {
        @Override
        public String toString() {
            return "(" + join(terms, " + ") + ")";
        }
    }

    record Mul(List<Expr> factors) implements Expr {
        @Override
        public String toString() {
            return "(" + join(factors, "*") + ")";
        }
    }

    record Neg(Expr e) implements Expr {
        @Override
        public String toString() {
            return "-" + e;
        }
    }

    record Div(Expr num, Expr den) implements Expr {
        @Override
        public String toString() {
            return "(" + num + ")/(" + den + ")";
        }
    }

    record Pow(Expr base, Expr exp) implements Expr {
        @Override
        public String toString() {
            return "(" + base + ")^(" + exp + ")";
        }
    }

    /** Function application, e.g. sin, sqrt, root(x, n), abs, ln, log, factorial, f (unknown). */
    record Fn(String name, List<Expr> args) implements Expr {
        @Override
        public String toString() {
            return name + "(" + join(args, ", ") + ")";
        }
    }

    /** {@code a % } — kept distinct so that percentage rules can be applied at comparison time. */
    record Percent(Expr e) implements Expr {
        @Override
        public String toString() {
            return e + "%";
        }
    }

    /** Sequences: ordered tuples {@code (a,b)}, explicit sets {@code \{a,b\}}, bare lists {@code a, b}. */
    record Seq(Kind kind, List<Expr> items) implements Expr {
        public enum Kind {
            TUPLE,
            SET,
            LIST
        }

        @Override
        public String toString() {
            return switch (kind) {
                case TUPLE -> "(" + join(items, ", ") + ")";
                case SET -> "{" + join(items, ", ") + "}";
                case LIST -> "[" + join(items, ", ") + "]";
            };
        }
    }

    record Interval(Expr lo, Expr hi, boolean loClosed, boolean hiClosed) implements Expr {
        @Override
        public String toString() {
            return (loClosed ? "[" : "(") + lo + ", " + hi + (hiClosed ? "]" : ")");
        }
    }

    /** Set union (order-free). */
    record Union(List<Expr> parts) implements Expr {
        @Override
        public String toString() {
            return join(parts, " U ");
        }
    }

    record Matrix(List<List<Expr>> rows) implements Expr {
        @Override
        public String toString() {
            return "Matrix[" + rows.stream().map(r -> join(r, ", ")).collect(Collectors.joining("; ")) + "]";
        }
    }

    /** A relation chain {@code e0 op0 e1 op1 e2 ...}; ops are one of = != < <= > >=. */
    record Rel(List<Expr> parts, List<String> ops) implements Expr {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder().append(parts.get(0));
            for (int i = 0; i < ops.size(); i++)
                sb.append(' ').append(ops.get(i)).append(' ').append(parts.get(i + 1));
            return sb.toString();
        }
    }

    private static String join(List<Expr> xs, String sep) {
        return xs.stream().map(Object::toString).collect(Collectors.joining(sep));
    }
}
