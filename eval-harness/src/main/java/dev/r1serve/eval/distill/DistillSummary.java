package dev.r1serve.eval.distill;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Map;

/**
 * What a distillation kept and why it rejected the rest ({@code summary.json}).
 *
 * @param rejectedByReason responses rejected, by their first failing filter (these add up to {@code rejected})
 * @param tripped responses failing each filter, counting every filter a response fails
 * @param keptPerPrompt SFT records per prompt id (the per-prompt yield)
 * @param sampledTokens completion tokens of all responses
 * @param keptTokens completion tokens of the kept responses
 */
public record DistillSummary(
        int prompts,
        int samples,
        int kept,
        int rejected,
        @JsonProperty("non_reasoning_kept") int nonReasoningKept,
        @JsonProperty("rejected_by_reason") Map<String, Integer> rejectedByReason,
        Map<String, Integer> tripped,
        @JsonProperty("prompts_with_kept") int promptsWithKept,
        @JsonProperty("mean_kept_per_prompt") double meanKeptPerPrompt,
        @JsonProperty("kept_per_prompt") Map<String, Integer> keptPerPrompt,
        @JsonProperty("sampled_tokens") long sampledTokens,
        @JsonProperty("kept_tokens") long keptTokens) {

    /** The terminal table. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "prompts %d, responses %d: kept %d (%.1f%%), rejected %d%n",
                prompts,
                samples,
                kept,
                samples == 0 ? 0.0 : 100.0 * kept / samples,
                rejected));
        b.append(String.format(
                Locale.ROOT,
                "prompts with a kept response: %d of %d (mean %.2f kept per prompt)%n",
                promptsWithKept,
                prompts,
                meanKeptPerPrompt));
        if (nonReasoningKept > 0)
            b.append("non-reasoning kept: ").append(nonReasoningKept).append('\n');
        b.append(String.format(Locale.ROOT, "tokens: %d sampled, %d kept%n", sampledTokens, keptTokens));
        b.append(String.format(Locale.ROOT, "%-18s %9s %9s%n", "filter", "rejected", "tripped"));
        for (String f : Filters.ALL) {
            b.append(String.format(
                    Locale.ROOT,
                    "%-18s %9d %9d%n",
                    f,
                    rejectedByReason.getOrDefault(f, 0),
                    tripped.getOrDefault(f, 0)));
        }
        return b.toString();
    }
}
