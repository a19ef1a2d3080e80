package dev.r1serve.client;

import dev.r1serve.proto.v1.GenerateResponse;
import java.util.List;

/**
 * The answer to a generate call: all n samples, ordered by index.
 *
 * @param renderedPrompt the prompt as the engine saw it (after the chat template)
 */
public record Completion(String model, List<GeneratedSample> samples, String renderedPrompt) {

    static Completion of(GenerateResponse r) {
        return new Completion(
                r.getModel(),
                r.getSamplesList().stream().map(GeneratedSample::of).toList(),
                r.getRenderedPrompt());
    }

    /** The first sample (the only one when n = 1). */
    public GeneratedSample first() {
        return samples.get(0);
    }
}
