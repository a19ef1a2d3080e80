package dev.r1serve.eval.sampling;

/**
 * One graded sample as appended to {@code samples.jsonl}.
 *
 * @param questionId the question's id in the benchmark data
 * @param sample the sample's index, 0..k-1
 * @param seed the seed the server reports for this sample (resend it with n = 1 to reproduce it alone)
 * @param finishReason stop, eos, length, cancelled or error
 * @param text the whole generated text
 * @param reasoning the text inside the think block
 * @param answer the text after the last {@code </think>} (empty when the reasoning never closed)
 * @param extracted the answer the grader found, null when none
 * @param vote the extracted answer in canonical option order (what cons@k counts), null when it does not vote
 * @param correct the grade
 * @param rule the verifier rule behind the grade
 * @param completionTokens tokens generated
 * @param latencyMs the sample's end-to-end time on the server (its {@code total_ms})
 * @param error the server's message when the sample failed (finish reason error or prompt_too_long), else null
 */
public record SampleRecord(
        String questionId,
        int sample,
        long seed,
        String finishReason,
        String text,
        String reasoning,
        String answer,
        String extracted,
        String vote,
        boolean correct,
        String rule,
        int promptTokens,
        int completionTokens,
        double latencyMs,
        String error) {

    /** The same sample with another grade (for re-grading). */
    public SampleRecord withGrade(String extracted, String vote, boolean correct, String rule) {
        return new SampleRecord(
                questionId,
                sample,
                seed,
                finishReason,
                text,
                reasoning,
                answer,
                extracted,
                vote,
                correct,
                rule,
                promptTokens,
                completionTokens,
                latencyMs,
                error);
    }
}
