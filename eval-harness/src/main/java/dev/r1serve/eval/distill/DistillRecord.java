package dev.r1serve.eval.distill;

import dev.r1serve.eval.sampling.SamplingRun;

/**
 * One sampled response as appended to a distillation's {@code samples.jsonl}, with what the filters need measured
 * (the thresholds are applied when the outputs are written, so they are the same for a resumed run).
 *
 * @param promptId the prompt's id
 * @param sample the sample's index, 0..k-1
 * @param seed the seed the server reports for this sample
 * @param finishReason stop, eos, length, cancelled, error or prompt_too_long
 * @param text the whole generated text
 * @param reasoning the text inside the think block (trimmed)
 * @param answer the text after {@code </think>} (trimmed; empty when the reasoning never closed)
 * @param correct the correctness check's verdict; null when the task has no check (non-reasoning) or the sample failed
 * @param check why (extracted answer and reference, test outcomes, the judge's verdict)
 * @param languageConsistency share of the reasoning's words in the target language (reward-sandbox's
 *     language-consistency reward), of the answer when there is no reasoning
 * @param longestParagraph characters of the reasoning's longest paragraph (paragraphs are split at blank lines)
 * @param codeInReasoning whether the reasoning holds a fenced code block
 * @param promptTokens tokens of the prompt
 * @param completionTokens tokens generated
 * @param error the server's message when the sample failed, else null
 */
public record DistillRecord(
        String promptId,
        int sample,
        long seed,
        String finishReason,
        String text,
        String reasoning,
        String answer,
        Boolean correct,
        String check,
        double languageConsistency,
        int longestParagraph,
        boolean codeInReasoning,
        int promptTokens,
        int completionTokens,
        String error) {

    /** Whether the generation failed (nothing usable came back). */
    public boolean failed() {
        return SamplingRun.failed(finishReason);
    }
}
