package dev.r1serve.client;

import dev.r1serve.proto.v1.Sample;
import java.util.List;

/**
 * One finished sample.
 *
 * @param text the whole generated text
 * @param reasoning the text inside {@code <think>...</think>}
 * @param answer the text after the last {@code </think>}; empty when the reasoning never closed
 * @param seed the seed the sample was generated with (send it with n = 1 to reproduce the sample)
 * @param tokenIds generated token ids, when they were asked for
 * @param error the engine's message when {@code finishReason} is ERROR, else empty
 */
public record GeneratedSample(
        int index,
        String text,
        String reasoning,
        String answer,
        FinishReason finishReason,
        int promptTokens,
        int completionTokens,
        long seed,
        List<Integer> tokenIds,
        Timings timings,
        String error) {

    /** Where the sample's time went, in milliseconds. */
    public record Timings(double queueMs, double timeToFirstTokenMs, double decodeMs, double totalMs) {}

    static GeneratedSample of(Sample s) {
        return new GeneratedSample(
                s.getIndex(),
                s.getText(),
                s.getReasoning(),
                s.getAnswer(),
                FinishReason.of(s.getFinishReason()),
                s.getUsage().getPromptTokens(),
                s.getUsage().getCompletionTokens(),
                s.getSeed(),
                List.copyOf(s.getTokenIdsList()),
                new Timings(
                        s.getTimings().getQueueMs(),
                        s.getTimings().getTimeToFirstTokenMs(),
                        s.getTimings().getDecodeMs(),
                        s.getTimings().getTotalMs()),
                s.getError());
    }
}
