package dev.r1serve.server.metrics;

import dev.r1serve.server.model.ModelRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/**
 * A server's metrics: generation histograms and counters, call status counts, engine gauges and JVM
 * metrics, in a registry of their own (not the process-wide default, so servers in one JVM stay apart).
 */
public final class ServerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final GenerationMetrics generation;
    private final CallMetricsInterceptor calls;

    /** Metrics for a server hosting {@code models}. */
    public ServerMetrics(ModelRegistry models) {
        generation = new GenerationMetrics(registry);
        calls = new CallMetricsInterceptor(registry);
        EngineGauges.register(models, registry);
        JvmMetrics.builder().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** The hook the generation service feeds. */
    public GenerationMetrics generation() {
        return generation;
    }

    /** Counts InferenceService calls by closing status; install outermost. */
    public CallMetricsInterceptor callInterceptor() {
        return calls;
    }

    /**
     * Serves the text exposition at {@code http://host:port/metrics}; port 0 picks a free port
     * ({@link HTTPServer#getPort()}). The caller closes the returned server.
     */
    public HTTPServer serve(String host, int port) throws IOException {
        return HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
    }
}
