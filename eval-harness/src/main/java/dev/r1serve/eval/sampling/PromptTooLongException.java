package dev.r1serve.eval.sampling;

import dev.r1serve.proto.v1.Sample;
import java.util.List;

/**
 * The server refused a request's prompt as longer than the model's context. Retrying cannot help, and one long
 * prompt should not fail a whole run: {@link SamplingRun} records {@link #unanswered()} with finish reason
 * {@value SamplingRun#PROMPT_TOO_LONG}. Each {@link Sampler} recognises the refusal in one place.
 */
public final class PromptTooLongException extends RuntimeException {

    private final transient List<Sample> unanswered;

    /** @param unanswered the request's samples, each with the seed it would have had and {@code message} as error */
    public PromptTooLongException(String message, List<Sample> unanswered) {
        super(message);
        this.unanswered = List.copyOf(unanswered);
    }

    /** The samples the refused request asked for (index within the request, seed, the error). */
    public List<Sample> unanswered() {
        return unanswered;
    }
}
