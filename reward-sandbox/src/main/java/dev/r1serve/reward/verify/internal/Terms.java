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
      for (var en : tb.atoms.entrySet()) ta.addAtom(en.getKey(), en.getValue().negate());
      ta.constant = ta.constant.add(tb.constant.negate());
      return ta;
    } catch (Exact.TooLarge | Exact.NotRational x) {
      return null;
    }
  }

  /** Whether every non-rational part cancelled. */
  boolean onlyConstant() { return atoms.isEmpty(); }

  Q constant() { return constant; }

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
          addAtom(String.join("*", rest), c);
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
    else addAtom(e.toString(), coeff);
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
