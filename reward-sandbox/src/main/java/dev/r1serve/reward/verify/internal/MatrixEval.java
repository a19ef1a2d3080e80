package dev.r1serve.reward.verify.internal;

import dev.r1serve.reward.verify.normalize.Expr;
import dev.r1serve.reward.verify.normalize.Expr.*;
import java.util.ArrayList;
import java.util.List;

/** Symbolic sums and products of matrices (an answer written as "A + B" or "I·I"), entry by entry. */
final class MatrixEval {
    private MatrixEval() {}

    private static final int MAX_CELLS = 400;

    /** The matrix an expression denotes, or null if it is not a matrix expression. */
    static Matrix tryEval(Expr e) {
        return switch (e) {
            case Matrix m -> m;
            case Neg n -> {
                Matrix m = tryEval(n.e());
                yield m == null ? null : map(m, x -> new Neg(x));
            }
            case Add a -> {
                Matrix acc = null;
                for (Expr t : a.terms()) {
                    Matrix m = tryEval(t);
                    if (m == null) yield null;
                    acc = acc == null ? m : add(acc, m);
                    if (acc == null) yield null;
                }
                yield acc;
            }
            case Mul mul -> {
                Matrix acc = null;
                List<Expr> scalars = new ArrayList<>();
                for (Expr f : mul.factors()) {
                    if (f instanceof Matrix || f instanceof Add || f instanceof Neg || f instanceof Mul) {
                        Matrix m = tryEval(f);
                        if (m == null) {
                            scalars.add(f);
                            continue;
                        }
                        acc = acc == null ? m : mul(acc, m);
                        if (acc == null) yield null;
                    } else scalars.add(f);
                }
                if (acc == null) yield null;
                if (!scalars.isEmpty()) {
                    Expr s = scalars.size() == 1 ? scalars.get(0) : new Mul(scalars);
                    acc = map(acc, x -> new Mul(List.of(s, x)));
                }
                yield acc;
            }
            default -> null;
        };
    }

    private static Matrix map(Matrix m, java.util.function.UnaryOperator<Expr> f) {
        List<List<Expr>> rows = new ArrayList<>();
        for (List<Expr> r : m.rows()) rows.add(r.stream().map(f).toList());
        return new Matrix(rows);
    }

    private static Matrix add(Matrix a, Matrix b) {
        if (a.rows().size() != b.rows().size()) return null;
        List<List<Expr>> rows = new ArrayList<>();
        for (int i = 0; i < a.rows().size(); i++) {
            if (a.rows().get(i).size() != b.rows().get(i).size()) return null;
            List<Expr> r = new ArrayList<>();
            for (int j = 0; j < a.rows().get(i).size(); j++)
                r.add(new Add(List.of(a.rows().get(i).get(j), b.rows().get(i).get(j))));
            rows.add(r);
        }
        return new Matrix(rows);
    }

    private static Matrix mul(Matrix a, Matrix b) {
        int n = a.rows().size(), k = a.rows().get(0).size(), m = b.rows().get(0).size();
        if (b.rows().size() != k || (long) n * m > MAX_CELLS) return null;
        List<List<Expr>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Expr> r = new ArrayList<>();
            for (int j = 0; j < m; j++) {
                List<Expr> terms = new ArrayList<>();
                for (int t = 0; t < k; t++) {
                    if (a.rows().get(i).size() != k || b.rows().get(t).size() != m) return null;
                    terms.add(new Mul(
                            List.of(a.rows().get(i).get(t), b.rows().get(t).get(j))));
                }
                r.add(new Add(terms));
            }
            rows.add(r);
        }
        return new Matrix(rows);
    }
}
