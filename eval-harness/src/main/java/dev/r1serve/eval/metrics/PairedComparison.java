package dev.r1serve.eval.metrics;

import java.util.Arrays;

/**
 * Paired comparison of two runs over the same questions: the difference of per-question pass@1 (B − A), a paired
 * bootstrap 95% interval (questions resampled together, so question difficulty cancels) and a two-sided p-value
 * from the same bootstrap, plus the paired t statistic.
 *
 * @param questions questions in both runs
 * @param meanA pass@1 of run A on those questions
 * @param meanB pass@1 of run B on those questions
 * @param diff meanB − meanA
 * @param ciLow lower end of the paired bootstrap 95% interval of the difference
 * @param ciHigh upper end
 * @param pValue two-sided bootstrap p-value of "no difference"
 * @param t paired t statistic (diff over the standard error of the per-question differences)
 * @param aBetter questions where A scored higher
 * @param bBetter questions where B scored higher
 */
public record PairedComparison(
        int questions,
        double meanA,
        double meanB,
        double diff,
        double ciLow,
        double ciHigh,
        double pValue,
        double t,
        int aBetter,
        int bBetter) {

    /** Compares per-question scores {@code a[i]}, {@code b[i]} of the same questions. */
    public static PairedComparison of(double[] a, double[] b) {
        if (a.length != b.length || a.length == 0)
            throw new IllegalArgumentException("need equally many questions (> 0)");
        int n = a.length;
        double[] d = new double[n];
        int aB = 0, bB = 0;
        for (int i = 0; i < n; i++) {
            d[i] = b[i] - a[i];
            if (d[i] > 0) bB++;
            if (d[i] < 0) aB++;
        }
        double diff = Stats.mean(d);
        double[] boot = Stats.bootstrapMeans(d, Stats.BOOTSTRAP_RESAMPLES, Stats.BOOTSTRAP_SEED);
        Arrays.sort(boot);
        // p-value: how often the resampled difference falls on the other side of zero, doubled (two-sided).
        int le = 0, ge = 0;
        for (double x : boot) {
            if (x <= 0) le++;
            if (x >= 0) ge++;
        }
        double p = Math.min(1.0, 2.0 * Math.min(le, ge) / boot.length);
        boolean allSame = Arrays.stream(d).allMatch(x -> x == d[0]);
        if (allSame && d[0] == 0) p = 1.0;
        double se = Stats.stderr(d);
        double t = se == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY * Math.signum(diff)) : diff / se;
        return new PairedComparison(
                n,
                Stats.mean(a),
                Stats.mean(b),
                diff,
                Stats.quantile(boot, 0.025),
                Stats.quantile(boot, 0.975),
                p,
                t,
                aB,
                bB);
    }
}
