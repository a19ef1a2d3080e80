package dev.r1serve.reward;

import java.util.Locale;

/**
 * Overlong penalty (an option; DAPO's soft overlong punishment), in characters of the completion because the
 * reward service does not know the policy's tokenizer. Up to {@code maxChars - bufferChars}: 0; then falling
 * linearly to -1 at {@code maxChars}; beyond: -1.
 *
 * @param maxChars the length at which the penalty reaches -1
 * @param bufferChars the width of the linear ramp before it (0: a hard cliff at {@code maxChars})
 */
public record LengthPenalty(int maxChars, int bufferChars) {

    public LengthPenalty {
        if (maxChars <= 0 || bufferChars < 0 || bufferChars > maxChars) {
            throw new IllegalArgumentException("need 0 <= bufferChars <= maxChars and maxChars > 0");
        }
    }

    public Reward score(String completion) {
        int len = completion.codePointCount(0, completion.length());
        int start = maxChars - bufferChars;
        double v;
        if (len <= start) v = 0;
        else if (len >= maxChars) v = -1;
        else v = -(double) (len - start) / bufferChars;
        return new Reward(
                Reward.LENGTH,
                v,
                String.format(Locale.ROOT, "%d chars (penalty from %d, -1 at %d)", len, start, maxChars));
    }
}
