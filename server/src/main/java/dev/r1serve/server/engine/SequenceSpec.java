package dev.r1serve.server.engine;

import java.util.List;

/**
 * One sequence for an engine to generate: a rendered prompt and validated sampling parameters.
 *
 * @param seed the engine seed of this sequence (already derived from the request seed and index)
 * @param stop stop strings, matched on the generated text by the engine adapter
 */
public record SequenceSpec(
        String prompt,
        float temperature,
        float topP,
        int topK,
        float minP,
        long seed,
        int maxTokens,
        List<String> stop,
        boolean returnTokenIds) {

    public SequenceSpec {
        stop = List.copyOf(stop);
    }
}
