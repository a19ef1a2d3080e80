package dev.r1serve.eval.metrics;

/**
 * G-Pass@k (Liu et al. 2024, "Are Your LLMs Capable of Stable Reasoning?"), the stability of reasoning across k
 * samples, computed as lighteval's {@code g_pass_at_k} and the authors' code do. With n samples of a question, c
 * of them correct, and k of them drawn without replacement:
 *
 * <pre>
 *   G-Pass@k_τ = P(at least m = max(⌈τ·k⌉, 1) of the k drawn are correct)
 *              = Σ_{j=m}^{min(c,k)} C(c, j) · C(n−c, k−j) / C(n, k)          (hypergeometric tail)
 *   mG-Pass@k  = (2/k) · Σ_{i=⌈k/2⌉+1}^{k} P(at least i of the k are correct)
 * </pre>
 *
 * G-Pass@k_1.0 is the chance that all k are correct; for τ ≤ 1/k it is pass@k.
 */
public final class GPassAtK {

    /** The thresholds reported, as in lighteval's {@code aime24_gpassk}. */
    public static final double[] THRESHOLDS = {0.25, 0.5, 0.75, 1.0};

    private GPassAtK() {}

    /**
     * One k's row of the summary: G-Pass@k at each threshold and mG-Pass@k, each a mean over questions.
     *
     * @param byThreshold τ → G-Pass@k_τ, in {@link #THRESHOLDS} order
     */
    public record Row(java.util.SortedMap<Double, Estimate> byThreshold, Estimate mean) {}

    /** The rows for k' in {@code ks} (each at most n) of questions with {@code correct[q]} of {@code n} correct. */
    public static java.util.SortedMap<Integer, Row> rows(int n, int[] correct, java.util.List<Integer> ks) {
        java.util.SortedMap<Integer, Row> out = new java.util.TreeMap<>();
        for (int k : ks) {
            java.util.SortedMap<Double, Estimate> by = new java.util.TreeMap<>();
            for (double tau : THRESHOLDS) {
                double[] v = new double[correct.length];
                for (int q = 0; q < correct.length; q++) v[q] = at(n, correct[q], k, tau);
                by.put(tau, Estimate.of(v));
            }
            double[] m = new double[correct.length];
            for (int q = 0; q < correct.length; q++) m[q] = mean(n, correct[q], k);
            out.put(k, new Row(by, Estimate.of(m)));
        }
        return out;
    }

    /** G-Pass@k at threshold {@code tau} for one question with {@code c} of {@code n} samples correct. */
    public static double at(int n, int c, int k, double tau) {
        return atLeast(n, c, k, Math.max((int) Math.ceil(k * tau), 1));
    }

    /** mG-Pass@k for one question: the mean of G-Pass@k_τ over τ in (0.5, 1], times 2 as an area. */
    public static double mean(int n, int c, int k) {
        double sum = 0;
        for (int i = (int) Math.ceil(k * 0.5) + 1; i <= k; i++) sum += atLeast(n, c, k, i);
        return 2 * sum / k;
    }

    /** P(X ≥ m) for X hypergeometric: k draws from n items of which c are marked. */
    static double atLeast(int n, int c, int k, int m) {
        if (n <= 0 || c < 0 || c > n || k < 1 || k > n) {
            throw new IllegalArgumentException("need 0 <= c <= n and 1 <= k <= n, got n=" + n + " c=" + c + " k=" + k);
        }
        if (m > Math.min(c, k) || m < 0) return 0.0;
        double logTotal = logChoose(n, k), p = 0;
        for (int j = m; j <= Math.min(c, k); j++) {
            if (k - j > n - c) continue;
            p += Math.exp(logChoose(c, j) + logChoose(n - c, k - j) - logTotal);
        }
        return Math.min(1.0, p);
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.log((double) (n - k + i) / i);
        return s;
    }
}
