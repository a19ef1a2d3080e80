package dev.r1serve.eval.metrics;

/**
 * A mean over questions with its uncertainty.
 *
 * @param stderr standard error of the mean over questions
 * @param ciLow lower end of the percentile-bootstrap 95% interval
 * @param ciHigh upper end of that interval
 */
public record Estimate(double mean, double stderr, double ciLow, double ciHigh) {

    /** The estimate of per-question values. */
    public static Estimate of(double[] perQuestion) {
        double[] ci = Stats.bootstrapCi95(perQuestion);
        return new Estimate(Stats.mean(perQuestion), Stats.stderr(perQuestion), ci[0], ci[1]);
    }
}
