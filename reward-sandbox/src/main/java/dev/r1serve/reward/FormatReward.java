package dev.r1serve.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The R1-Zero template reward (DeepSeek-R1 sec. 2.2.2): the reasoning inside {@code <think>…</think>}, then
 * the answer inside {@code <answer>…</answer>}.
 *
 * <p>Strict rule (value 1, else 0), applied to the completion with a pre-filled {@code <think>} from the
 * prompt put back (see {@link Completion}):
 * <ol>
 *   <li>optional whitespace, then exactly one {@code <think>} block, then optional whitespace, then exactly
 *       one {@code <answer>} block, then optional whitespace and nothing else;</li>
 *   <li>each of the four tags occurs exactly once, so blocks are neither repeated nor nested;</li>
 *   <li>both blocks contain non-whitespace text.</li>
 * </ol>
 *
 * <p>Partial credit (an option, the "tag count" reward of open-r1/TRL): 0.25 for each of {@code <think>},
 * {@code </think>}, {@code <answer>}, {@code </answer>} that occurs exactly once, so a model learning the
 * template gets a gradient before it gets the whole layout right; capped at 0.75 unless the strict rule holds,
 * so tags used once each but out of order or with text around them score 0.75 and only a valid layout 1.
 */
public final class FormatReward {

    private static final Pattern STRICT =
            Pattern.compile("(?s)\\A\\s*<think>(.*?)</think>\\s*<answer>(.*?)</answer>\\s*\\z");
    private static final String[] TAGS = {"<think>", "</think>", "<answer>", "</answer>"};

    private FormatReward() {}

    public static Reward score(Completion c, boolean partialCredit) {
        String text = c.full();
        List<String> violations = new ArrayList<>();
        int onceCount = 0;
        for (String tag : TAGS) {
            int n = count(text, tag);
            if (n == 1) onceCount++;
            else violations.add(tag + " occurs " + n + " times");
        }
        Matcher m = STRICT.matcher(text);
        if (violations.isEmpty()) {
            if (!m.matches()) {
                violations.add("blocks out of order or text outside them (want <think>…</think><answer>…</answer>)");
            } else {
                if (m.group(1).isBlank()) violations.add("empty <think> block");
                if (m.group(2).isBlank()) violations.add("empty <answer> block");
            }
        }
        if (violations.isEmpty())
            return new Reward(
                    Reward.FORMAT,
                    1.0,
                    "valid template" + (c.thinkPrefilled() ? " (<think> pre-filled by the prompt)" : ""));
        // Capped below 1 so that only a valid layout earns the full reward.
        double value = partialCredit ? Math.min(0.75, onceCount * 0.25) : 0.0;
        return new Reward(Reward.FORMAT, value, String.join("; ", violations));
    }

    static int count(String text, String tag) {
        int n = 0;
        for (int i = text.indexOf(tag); i >= 0; i = text.indexOf(tag, i + tag.length())) n++;
        return n;
    }
}
