package dev.r1serve.eval.metrics;

/** The unbiased pass@k estimator of Chen et al. (2021), "Evaluating Large Language Models Trained on Code". */
public final class PassAtK {

    private PassAtK() {}

    /**
     * The probability that at least one of {@code k} samples drawn without replacement from {@code n} samples,
     * {@code c} of them correct, is correct: {@code 1 - C(n-c, k) / C(n, k)}, computed in the numerically stable
     * product form {@code 1 - prod_{i=n-c+1}^{n} (1 - k / i)} (no huge binomials).
     */
    public static double estimate(int n, int c, int k) {
        if (n <= 0 || c < 0 || c > n || k <= 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= c <= n and 1 <= k <= n, got n=" + n + " c=" + c + " k=" + k);
        }
        if (n - c < k) return 1.0;
        double prod = 1.0;
        for (int i = n - c + 1; i <= n; i++) prod *= 1.0 - (double) k / i;
        return 1.0 - prod;
    }
}
