package dev.r1serve.server.metrics;

import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.Timings;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * Per-request and per-sample generation metrics, named after vLLM's ({@code vllm:*} becomes {@code r1_*}) so
 * dashboards map over. Each of a request's n samples counts as one request in the latency histograms and
 * the success counter, as vLLM counts each parallel sample.
 *
 * <p>The service calls {@link #onRequest} once a request is valid and {@link #onSample} for every finished
 * sample; both are cheap and thread-safe.
 */
public final class GenerationMetrics {

    // vLLM's buckets, in seconds.
    private static final double[] TTFT_BUCKETS = {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
        160.0, 640.0, 2560.0
    };
    private static final double[] ITL_BUCKETS = {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0
    };
    private static final double[] REQUEST_LATENCY_BUCKETS = {
        0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
        1920.0, 7680.0
    };
    private static final double[] N_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    private static final double[] MAX_TOKENS_BUCKETS = {
        16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072
    };

    private final Histogram timeToFirstToken;
    private final Histogram interTokenLatency;
    private final Histogram e2eLatency;
    private final Histogram queueTime;
    private final Counter promptTokens;
    private final Counter promptTokensCached;
    private final Counter generationTokens;
    private final Counter success;
    private final Histogram paramsN;
    private final Histogram paramsMaxTokens;

    /** Registers the generation metrics with {@code registry}. */
    public GenerationMetrics(PrometheusRegistry registry) {
        timeToFirstToken = histogram(
                "r1_time_to_first_token_seconds",
                "Time from the start of the call to a sample's first generated token.",
                TTFT_BUCKETS,
                registry);
        interTokenLatency = histogram(
                "r1_inter_token_latency_seconds",
                "Time per output token after the first (each sample contributes its mean, once per token gap).",
                ITL_BUCKETS,
                registry);
        e2eLatency = histogram(
                "r1_e2e_request_latency_seconds",
                "Time from the start of the call to the end of a sample.",
                REQUEST_LATENCY_BUCKETS,
                registry);
        queueTime = histogram(
                "r1_request_queue_time_seconds",
                "Time a sample waited for an engine slot.",
                REQUEST_LATENCY_BUCKETS,
                registry);
        promptTokens = Counter.builder()
                .name("r1_prompt_tokens_total")
                .help("Prompt tokens processed (each of a request's n samples evaluates the prompt).")
                .labelNames("model")
                .register(registry);
        promptTokensCached = Counter.builder()
                .name("r1_prompt_tokens_cached_total")
                .help("Prompt tokens taken from the KV cache instead of evaluated (part of r1_prompt_tokens_total).")
                .labelNames("model")
                .register(registry);
        generationTokens = Counter.builder()
                .name("r1_generation_tokens_total")
                .help("Tokens generated (sampled by the engine, one per decoding step).")
                .labelNames("model")
                .register(registry);
        success = Counter.builder()
                .name("r1_request_success_total")
                .help("Finished samples by finish reason (stop, length, eos, cancelled, error).")
                .labelNames("model", "finish_reason")
                .register(registry);
        paramsN = histogram("r1_request_params_n", "The n (samples) of valid generate requests.", N_BUCKETS, registry);
        paramsMaxTokens = histogram(
                "r1_request_params_max_tokens",
                "The max_tokens of valid generate requests (after the model's default is applied).",
                MAX_TOKENS_BUCKETS,
                registry);
    }

    private static Histogram histogram(String name, String help, double[] buckets, PrometheusRegistry registry) {
        // Classic histograms only: the text format (and most dashboards) cannot read native ones.
        return Histogram.builder()
                .name(name)
                .help(help)
                .labelNames("model")
                .classicOnly()
                .classicUpperBounds(buckets)
                .register(registry);
    }

    /** A valid generate request for {@code model} is about to start. */
    public void onRequest(String model, int n, int maxTokens) {
        paramsN.labelValues(model).observe(n);
        paramsMaxTokens.labelValues(model).observe(maxTokens);
    }

    /** Sample {@code sample} of a request to {@code model} has finished (any finish reason). */
    public void onSample(String model, Sample sample) {
        Timings t = sample.getTimings();
        int generated = sample.getUsage().getCompletionTokens();
        promptTokens.labelValues(model).inc(sample.getUsage().getPromptTokens());
        promptTokensCached.labelValues(model).inc(t.getPromptTokensCached());
        generationTokens.labelValues(model).inc(generated);
        success.labelValues(model, finishReason(sample.getFinishReason())).inc();
        queueTime.labelValues(model).observe(t.getQueueMs() / 1e3);
        e2eLatency.labelValues(model).observe(t.getTotalMs() / 1e3);
        if (generated > 0) {
            timeToFirstToken.labelValues(model).observe(t.getTimeToFirstTokenMs() / 1e3);
        }
        if (generated > 1) {
            // Deltas carry no timestamps per token, so each gap gets the sample's mean: count and sum
            // come out as vLLM's (one observation per gap, summing to the decode time).
            double perToken = t.getDecodeMs() / 1e3 / (generated - 1);
            var itl = interTokenLatency.labelValues(model);
            for (int i = 1; i < generated; i++) {
                itl.observe(perToken);
            }
        }
    }

    /** {@code FINISH_REASON_LENGTH} → {@code length}, as the protocol documents finish reasons. */
    static String finishReason(FinishReason reason) {
        String name = reason.name();
        String prefix = "FINISH_REASON_";
        return (name.startsWith(prefix) ? name.substring(prefix.length()) : name).toLowerCase(Locale.ROOT);
    }
}
