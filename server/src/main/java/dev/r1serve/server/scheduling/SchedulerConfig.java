package dev.r1serve.server.scheduling;

import java.time.Duration;

/**
 * Admission and scheduling settings of one model.
 *
 * @param queueCapacity sequences that may wait for a slot (a request with n = 64 takes 64); beyond it
 *     requests are refused at once with RESOURCE_EXHAUSTED
 * @param defaultTimeout deadline given to calls that arrive without one
 */
public record SchedulerConfig(int queueCapacity, Duration defaultTimeout) {

    public static final int DEFAULT_QUEUE_CAPACITY = 256; // sequences
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    public SchedulerConfig {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be >= 1, got " + queueCapacity);
        }
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("defaultTimeout must be > 0, got " + defaultTimeout);
        }
    }

    public static SchedulerConfig defaults() {
        return new SchedulerConfig(DEFAULT_QUEUE_CAPACITY, DEFAULT_TIMEOUT);
    }
}
