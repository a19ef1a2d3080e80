package dev.r1serve.reward;

/**
 * One reward's value for one rollout, with an explanation a human can audit.
 *
 * @param name "accuracy", "format", "language" or "length"
 * @param value the reward (accuracy, format, language in [0, 1]; length in [-1, 0])
 * @param reason why (extracted answer, test outcomes, format violations, word counts)
 */
public record Reward(String name, double value, String reason) {
    public static final String ACCURACY = "accuracy";
    public static final String FORMAT = "format";
    public static final String LANGUAGE = "language";
    public static final String LENGTH = "length";
}
