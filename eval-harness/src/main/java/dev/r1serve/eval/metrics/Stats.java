package dev.r1serve.eval.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Means, standard errors and bootstrap intervals over per-question values. */
public final class Stats {

    /** Bootstrap resamples; 2000 keeps the 2.5% tails stable to about ±0.005 of their value. */
    public static final int BOOTSTRAP_RESAMPLES = 2000;
    /** Fixed so that reports are reproducible. */
    public static final long BOOTSTRAP_SEED = 20250122L;

    private Stats() {}

    public static double mean(double[] xs) {
        if (xs.length == 0) return Double.NaN;
        double s = 0;
        for (double x : xs) s += x;
        return s / xs.length;
    }

    /** Standard error of the mean: sample standard deviation (n - 1) over sqrt(n); 0 for fewer than 2 values. */
    public static double stderr(double[] xs) {
        int n = xs.length;
        if (n < 2) return 0;
        double m = mean(xs), ss = 0;
        for (double x : xs) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    }

    /** Percentile bootstrap 95% interval of the mean (questions resampled with replacement). */
    public static double[] bootstrapCi95(double[] xs) {
        if (xs.length == 0) return new double[] {Double.NaN, Double.NaN};
        double[] means = bootstrapMeans(xs, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED);
        Arrays.sort(means);
        return new double[] {quantile(means, 0.025), quantile(means, 0.975)};
    }

    static double[] bootstrapMeans(double[] xs, int resamples, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = xs.length;
        double[] out = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += xs[rng.nextInt(n)];
            out[b] = s / n;
        }
        return out;
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
