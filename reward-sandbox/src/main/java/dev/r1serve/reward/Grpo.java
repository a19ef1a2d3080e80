package dev.r1serve.reward;

/**
 * GRPO group-relative advantages (DeepSeek-R1 eq. 3): {@code A_i = (r_i - mean(r)) / (std(r) + eps)}.
 *
 * <p>Exactness matters here: a group whose rewards are all equal carries no learning signal and must give
 * exactly 0, not floating-point noise of 1e-17 divided by an eps of 1e-6. So the mean is subtracted with a
 * compensated sum and rewards equal to each other are recognized before dividing.
 */
public final class Grpo {

    /** How the centered rewards are scaled. */
    public enum Normalization {
        /** Standard deviation over n (the GRPO paper's). */
        POPULATION,
        /** Standard deviation over n - 1 (TRL's default, torch.std). */
        SAMPLE,
        /** No division (Dr. GRPO): advantage = r_i - mean. */
        NONE
    }

    /**
     * @param normalization the std variant, or none
     * @param eps added to the std before dividing (>= 0)
     */
    public record Options(Normalization normalization, double eps) {
        public static final Options DEFAULT = new Options(Normalization.POPULATION, 1e-6);

        public Options {
            if (normalization == null) throw new IllegalArgumentException("normalization is required");
            if (!(eps >= 0) || Double.isInfinite(eps))
                throw new IllegalArgumentException("eps must be finite and >= 0");
        }
    }

    private Grpo() {}

    /** Advantages of one complete group, in the order of {@code rewards}. A group of one gets 0. */
    public static double[] advantages(double[] rewards, Options options) {
        int n = rewards.length;
        double[] a = new double[n];
        if (n <= 1) return a;
        boolean allEqual = true;
        for (double r : rewards) allEqual &= r == rewards[0];
        if (allEqual) return a; // zeros exactly
        double mean = kahanSum(rewards) / n;
        if (options.normalization() == Normalization.NONE) {
            for (int i = 0; i < n; i++) a[i] = rewards[i] - mean;
            return a;
        }
        double[] sq = new double[n];
        for (int i = 0; i < n; i++) {
            double d = rewards[i] - mean;
            sq[i] = d * d;
        }
        int dof = options.normalization() == Normalization.SAMPLE ? n - 1 : n;
        double std = Math.sqrt(kahanSum(sq) / dof);
        double denom = std + options.eps();
        for (int i = 0; i < n; i++) {
            // Rewards equal to the mean (e.g. the middle of [0, 1, 2]) give exactly 0.
            a[i] = rewards[i] == mean ? 0.0 : (rewards[i] - mean) / denom;
        }
        return a;
    }

    private static double kahanSum(double[] xs) {
        double sum = 0, c = 0;
        for (double x : xs) {
            double y = x - c;
            double t = sum + y;
            c = (t - sum) - y;
            sum = t;
        }
        return sum;
    }
}
