package dev.r1serve.server.engine;

import java.util.List;

/**
 * The log-probability of one sampled token, and optionally of the most likely alternatives at its position,
 * under the distribution the engine names in {@link EngineCapabilities#logprobsMode()}.
 *
 * @param tokenId the sampled token
 * @param logprob its natural-log probability
 * @param top the most likely tokens at this position, most likely first (empty unless asked for)
 */
public record TokenLogprob(int tokenId, float logprob, List<Top> top) {

    public TokenLogprob {
        top = List.copyOf(top);
    }

    /** One alternative at a position. */
    public record Top(int tokenId, float logprob) {}
}
