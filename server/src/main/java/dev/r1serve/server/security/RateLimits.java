package dev.r1serve.server.security;

import dev.r1serve.server.error.ServerException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Per-client request and sequence budgets (Resilience4j rate limiters, refreshed every second). Over budget,
 * a call fails at once with RESOURCE_EXHAUSTED and a {@code retry-after-ms} trailer; nothing waits.
 */
public final class RateLimits {

    private static final Duration PERIOD = Duration.ofSeconds(1);
    // Peers on an open server are unbounded; idle limiters are dropped once this many clients were seen.
    private static final int SWEEP_ABOVE = 10_000;

    private final RateLimitSettings settings;
    private final Map<String, Budget> requests = new ConcurrentHashMap<>();
    private final Map<String, Budget> sequences = new ConcurrentHashMap<>();

    public RateLimits(RateLimitSettings settings) {
        this.settings = settings;
    }

    public RateLimitSettings settings() {
        return settings;
    }

    /** Takes one request from {@code clientId}'s budget, or throws {@link ServerException.RateLimited}. */
    public void acquireRequest(String clientId) {
        if (settings.requestsPerSecond() != null) {
            take(requests, clientId, settings.requestsPerSecond(), 1, "requests");
        }
    }

    /**
     * Takes {@code n} sequences from {@code clientId}'s budget, or throws {@link ServerException.RateLimited}. A request for
     * more sequences than one second's budget takes the whole budget (it is not refused forever).
     */
    public void acquire(String clientId, int n) {
        if (settings.sequencesPerSecond() != null) {
            int limit = settings.sequencesPerSecond();
            take(sequences, clientId, limit, Math.clamp(n, 1, limit), "sequences");
        }
    }

    private static void take(Map<String, Budget> budgets, String clientId, int limit, int permits, String what) {
        if (budgets.size() > SWEEP_ABOVE) {
            budgets.values().removeIf(Budget::idle);
        }
        Budget b = budgets.computeIfAbsent(clientId, id -> new Budget(id, limit));
        if (!b.limiter.acquirePermission(permits)) {
            long retryMs = Math.max(1, (b.nanosToNextCycle() + 999_999) / 1_000_000);
            throw new ServerException.RateLimited(
                    "rate limit: over " + limit + " " + what + "/s for this client; retry after " + retryMs + " ms",
                    retryMs);
        }
    }

    /** One client's limiter, with the clock origin its cycles count from. */
    private static final class Budget {
        final AtomicRateLimiter limiter;
        final int limit;
        final long originNanos;

        Budget(String clientId, int limit) {
            this.limit = limit;
            // The limiter reads its clock once while constructing: that reading is its cycle origin, which
            // gives the exact time to the next refresh (Resilience4j does not expose it).
            AtomicLong origin = new AtomicLong(Long.MIN_VALUE);
            Supplier<Long> clock = () -> {
                long t = System.nanoTime();
                origin.compareAndSet(Long.MIN_VALUE, t);
                return t;
            };
            RateLimiterConfig config = RateLimiterConfig.custom()
                    .limitForPeriod(limit)
                    .limitRefreshPeriod(PERIOD)
                    .timeoutDuration(Duration.ZERO)
                    .build();
            this.limiter = new AtomicRateLimiter(clientId, config, Map.of(), clock);
            this.originNanos = origin.get();
        }

        long nanosToNextCycle() {
            long period = PERIOD.toNanos();
            return period - Math.floorMod(System.nanoTime() - originNanos, period);
        }

        boolean idle() {
            RateLimiter.Metrics m = limiter.getMetrics();
            return m.getAvailablePermissions() >= limit;
        }
    }
}
