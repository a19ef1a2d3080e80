package dev.r1serve.reward.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;

/**
 * Prometheus metrics of the reward service, in a registry of their own so a process can host several servers
 * (and tests can read exact values): rewards scored by type, sandbox runs by outcome and language, sandbox
 * run duration, sandbox queue depth.
 */
public final class RewardMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter rewards;
    private final Counter runs;
    private final Histogram runSeconds;
    private final Counter httpRequests;

    public RewardMetrics() {
        rewards = Counter.builder()
                .name("r1_rewards_scored_total")
                .help("Rewards computed, by reward name (accuracy, format, language, length) and task type")
                .labelNames("reward", "task")
                .register(registry);
        runs = Counter.builder()
                .name("r1_sandbox_runs_total")
                .help(
                        "Sandboxed code runs by outcome (ok, wrong, timeout, memory, output_limit, crash, error, rejected)")
                .labelNames("status", "language")
                .register(registry);
        runSeconds = Histogram.builder()
                .name("r1_sandbox_run_duration_seconds")
                .help("Wall-clock duration of sandboxed runs, from spawn to exit")
                .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .labelNames("language")
                .register(registry);
        httpRequests = Counter.builder()
                .name("r1_reward_http_requests_total")
                .help(
                        "Requests to the reward HTTP front by route (/v1/rewards:score, /openrlhf/reward, /run_code) and HTTP status")
                .labelNames("route", "code")
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void rewardScored(String reward, String task) {
        rewards.labelValues(reward, task).inc();
    }

    public void sandboxRun(String status, String language, long wallMillis) {
        runs.labelValues(status, language).inc();
        if (wallMillis >= 0) runSeconds.labelValues(language).observe(wallMillis / 1000.0);
    }

    public void httpRequest(String route, int code) {
        httpRequests.labelValues(route, Integer.toString(code)).inc();
    }

    public double httpRequests(String route, int code) {
        return httpRequests.labelValues(route, Integer.toString(code)).get();
    }

    /** Exposes the sandbox queue depth as read from {@code depth} at scrape time. */
    public void queueDepth(IntSupplier depth) {
        GaugeWithCallback.builder()
                .name("r1_sandbox_queue_depth")
                .help("Sandboxed runs waiting for a worker")
                .callback(cb -> cb.call(depth.getAsInt()))
                .register(registry);
    }

    /** Current value of a counter sample, for tests and logs. */
    public double runs(String status, String language) {
        return runs.labelValues(status, language).get();
    }

    public double rewards(String reward, String task) {
        return rewards.labelValues(reward, task).get();
    }
}
