package dev.r1serve.eval.sampling;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.errors.ErrorDetails;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how long to retry a refused call. UNAVAILABLE (server restarting, connection lost) and
 * RESOURCE_EXHAUSTED (queue full, rate limit) are transient; everything else (bad request, unknown model, deadline)
 * would fail the same way again. The wait doubles from {@code initialBackoff} up to {@code maxBackoff} with jitter,
 * so many workers do not return in lockstep, unless the server says how long to wait in the {@code retry-after-ms}
 * trailer, which is honoured.
 *
 * @param maxAttempts calls per request in total, including the first
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    }

    /** 8 attempts, 250 ms doubling to 30 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(30));
    }

    /** Whether {@code e} is worth retrying. */
    public static boolean retryable(StatusRuntimeException e) {
        return R1Client.retriable(e);
    }

    /** The wait before attempt {@code attempt + 1} (attempt counts from 1) after failure {@code e} (null: not gRPC). */
    public Duration backoff(int attempt, StatusRuntimeException e) {
        OptionalLong hint = e == null ? OptionalLong.empty() : ErrorDetails.retryAfterMillis(e);
        if (hint.isPresent()) {
            long ms = hint.getAsLong();
            return Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(0, 1 + ms / 10));
        }
        long base = initialBackoff.toMillis() << Math.min(20, attempt - 1);
        long capped = Math.min(base, maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(0, capped / 2 + 1));
    }
}
