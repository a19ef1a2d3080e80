package dev.r1serve.reward.verify.cas;

import dev.r1serve.reward.verify.normalize.Expr;
import dev.r1serve.reward.verify.normalize.Expr.*;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Symbolic zero test with Symja, run on one bounded worker thread with a deadline.
 *
 * <p>Symja is loaded lazily on first use (its start-up takes seconds and pulls in a large
 * classpath), so verifications that the string and numeric fast paths decide never touch it. A
 * call that overruns its deadline is cancelled; if the worker does not stop it is abandoned (it is
 * a daemon thread) and a fresh worker with a fresh engine serves the next call, so one pathological
 * input cannot stall later ones.
 */
public final class SymjaCas {
    /** The CAS answer: {@code ZERO} (a − b ≡ 0), {@code NONZERO}, or {@code UNKNOWN} with a reason. */
    public enum Outcome {
        ZERO,
        NONZERO,
        UNKNOWN
    }

    public record Result(Outcome outcome, String detail) {}

    private static final SymjaCas INSTANCE = new SymjaCas();

    static {
        // Symja logs through log4j-api without a backend; keep its "no implementation" notice quiet.
        if (System.getProperty("log4j2.loggerContextFactory") == null) {
            System.setProperty(
                    "log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        }
    }

    private ExecutorService worker;
    private volatile Object evaluator; // org.matheclipse.core.eval.ExprEvaluator, created on the worker

    private SymjaCas() {}

    public static SymjaCas get() {
        return INSTANCE;
    }

    /**
     * Decides whether {@code a - b} simplifies to zero.
     *
     * @param timeoutMillis hard deadline for this call, including Symja start-up on first use
     */
    public synchronized Result zeroTest(Expr a, Expr b, long timeoutMillis) {
        final String diff;
        try {
            diff = "(" + toSymja(a) + ")-(" + toSymja(b) + ")";
        } catch (IllegalArgumentException e) {
            return new Result(Outcome.UNKNOWN, "not expressible in Symja: " + e.getMessage());
        }
        String init = ensureStarted();
        if (init != null) return new Result(Outcome.UNKNOWN, init);
        Future<Result> f = worker.submit(() -> evaluate(diff));
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = null; // abandon the possibly stuck thread
            evaluator = null;
            return new Result(Outcome.UNKNOWN, "CAS timeout after " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return new Result(Outcome.UNKNOWN, "interrupted");
        } catch (Exception e) {
            return new Result(Outcome.UNKNOWN, "CAS error: " + e.getCause());
        }
    }

    /**
     * Starts Symja if needed. Start-up (class loading, rule tables: seconds) has its own deadline
     * {@link #STARTUP_TIMEOUT_MS} so that the per-comparison deadline measures only the comparison.
     *
     * @return null when ready, else why the CAS is unavailable
     */
    private String ensureStarted() {
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "symja-verifier");
                t.setDaemon(true);
                return t;
            });
        }
        if (evaluator != null) return null;
        Future<?> f = worker.submit(this::newEvaluator);
        try {
            f.get(STARTUP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = null;
            return "CAS start-up exceeded " + STARTUP_TIMEOUT_MS + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "CAS start-up failed: " + e.getCause();
        }
    }

    /** Starts the CAS now (e.g. at server start) so the first symbolic comparison is not slowed down. */
    public synchronized boolean warmUp() {
        return ensureStarted() == null;
    }

    /** Deadline for loading Symja (paid once per process, or after an abandoned worker). */
    public static final long STARTUP_TIMEOUT_MS = 60_000;

    private void newEvaluator() {
        var ev = new org.matheclipse.core.eval.ExprEvaluator(false, (short) 100);
        var silent = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        ev.getEvalEngine().setOutPrintStream(silent);
        ev.getEvalEngine().setErrorPrintStream(silent);
        ev.eval("Simplify(Sin(x)^2+Cos(x)^2)"); // load the rule sets used below
        evaluator = ev;
    }

    private Result evaluate(String diff) {
        var ev = (org.matheclipse.core.eval.ExprEvaluator) evaluator;
        if (ev == null) {
            newEvaluator();
            ev = (org.matheclipse.core.eval.ExprEvaluator) evaluator;
        }
        try {
            String expr = "Simplify(TrigToExp(Together(" + diff + ")))";
            var r = ev.eval(expr);
            if (r.isZero()) return new Result(Outcome.ZERO, "Simplify(a-b) = 0");
            var z = ev.eval("PossibleZeroQ(" + diff + ")");
            if (z.isTrue()) return new Result(Outcome.ZERO, "PossibleZeroQ(a-b)");
            return new Result(Outcome.NONZERO, "a-b simplifies to " + abbreviate(r.toString()));
        } catch (RuntimeException | StackOverflowError e) {
            evaluator = null;
            return new Result(Outcome.UNKNOWN, "CAS failed: " + e.getClass().getSimpleName());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** Converts a scalar expression to Symja input syntax. */
    static String toSymja(Expr e) {
        return switch (e) {
            case Num n -> n.decimal() ? "Rationalize(" + n + ")" : n.toString();
            case Sym s ->
                switch (s.name()) {
                    case "pi" -> "Pi";
                    case "e" -> "E";
                    case "i" -> "I";
                    case "oo" -> "Infinity";
                    default -> "v" + s.name().replaceAll("[^A-Za-z0-9]", "");
                };
            case Neg n -> "(-(" + toSymja(n.e()) + "))";
            case Add a -> a.terms().stream().map(SymjaCas::toSymja).collect(Collectors.joining("+", "(", ")"));
            case Mul m -> m.factors().stream().map(SymjaCas::toSymja).collect(Collectors.joining("*", "(", ")"));
            case Div d -> "((" + toSymja(d.num()) + ")/(" + toSymja(d.den()) + "))";
            case Pow p -> "((" + toSymja(p.base()) + ")^(" + toSymja(p.exp()) + "))";
            case Percent p -> "((" + toSymja(p.e()) + ")/100)";
            case Fn f -> fn(f);
            default -> throw new IllegalArgumentException(e.getClass().getSimpleName());
        };
    }

    private static String fn(Fn f) {
        String a = toSymja(f.args().get(0));
        return switch (f.name()) {
            case "sqrt" -> "Sqrt(" + a + ")";
            case "root" -> "((" + a + ")^(1/(" + toSymja(f.args().get(1)) + ")))";
            case "sin", "cos", "tan", "sec", "csc", "cot", "exp", "sinh", "cosh", "tanh", "floor" ->
                Character.toUpperCase(f.name().charAt(0)) + f.name().substring(1) + "(" + a + ")";
            case "ceil" -> "Ceiling(" + a + ")";
            case "arcsin" -> "ArcSin(" + a + ")";
            case "arccos" -> "ArcCos(" + a + ")";
            case "arctan" -> "ArcTan(" + a + ")";
            case "ln", "log" -> "Log(" + a + ")";
            case "log10" -> "Log10(" + a + ")";
            case "logb" -> "Log(" + toSymja(f.args().get(1)) + "," + a + ")";
            case "abs" -> "Abs(" + a + ")";
            case "factorial" -> "Factorial(" + a + ")";
            case "binom" -> "Binomial(" + a + "," + toSymja(f.args().get(1)) + ")";
            default -> throw new IllegalArgumentException("function " + f.name());
        };
    }
}
