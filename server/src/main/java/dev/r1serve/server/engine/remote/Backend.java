package dev.r1serve.server.engine.remote;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.URI;

/**
 * One backend replica: its base URL, its circuit breaker and the outcome of its last health probe.
 * A replica is ejected (skipped by the balancer) while its circuit is open or its probe fails.
 */
final class Backend {

    private final URI base;
    private final CircuitBreaker breaker;
    private volatile boolean probeHealthy = true;

    Backend(URI base, RemoteEngineOptions.Breaker settings) {
        this.base = base;
        this.breaker = CircuitBreaker.of(
                base.toString(),
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(settings.window())
                        .minimumNumberOfCalls(settings.minimumCalls())
                        .failureRateThreshold(settings.failureRatePercent())
                        .waitDurationInOpenState(settings.openFor())
                        .permittedNumberOfCallsInHalfOpenState(1)
                        // Without traffic an open circuit would stay open forever; let time move it to half-open.
                        .automaticTransitionFromOpenToHalfOpenEnabled(true)
                        .build());
    }

    URI resolve(String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    URI base() {
        return base;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    boolean probeHealthy() {
        return probeHealthy;
    }

    void probed(boolean healthy) {
        probeHealthy = healthy;
    }

    /** Whether the balancer may pick it: circuit not open and (by preference) its probe passed. */
    boolean available() {
        return breaker.getState() != CircuitBreaker.State.OPEN
                && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
    }

    @Override
    public String toString() {
        return base + " (" + breaker.getState() + (probeHealthy ? "" : ", failing health probe") + ")";
    }
}
