/**
 * Prometheus metrics of a server ({@link dev.r1serve.server.metrics.ServerMetrics}), named after vLLM's and
 * served over HTTP at {@code /metrics} on {@code --metrics-port} (config {@code metricsPort}). The README's
 * "Metrics" section lists every metric.
 */
package dev.r1serve.server.metrics;
