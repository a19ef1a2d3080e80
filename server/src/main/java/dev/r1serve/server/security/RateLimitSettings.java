package dev.r1serve.server.security;

/**
 * Per-client rate limits (per API key, or per peer address on an open server); null leaves that limit off.
 *
 * @param requestsPerSecond InferenceService calls per second
 * @param sequencesPerSecond generated sequences per second: a Generate call with n samples counts n
 */
public record RateLimitSettings(Integer requestsPerSecond, Integer sequencesPerSecond) {

    public RateLimitSettings {
        if (requestsPerSecond != null && requestsPerSecond < 1) {
            throw new IllegalArgumentException("rateLimit.requestsPerSecond must be >= 1, got " + requestsPerSecond);
        }
        if (sequencesPerSecond != null && sequencesPerSecond < 1) {
            throw new IllegalArgumentException("rateLimit.sequencesPerSecond must be >= 1, got " + sequencesPerSecond);
        }
    }
}
