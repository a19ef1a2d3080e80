package dev.r1serve.server;

import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.security.ApiKeys;
import dev.r1serve.server.security.RateLimitSettings;
import dev.r1serve.server.security.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Production settings of an {@link R1Server}: API keys, TLS, rate limits and the metrics port. Every
 * field is optional; {@link #DEFAULTS} is an open plaintext server without rate limits or a metrics endpoint.
 *
 * @param apiKeys keys accepted on InferenceService; null runs open (with a loud warning at start)
 * @param tls TLS or mutual TLS on the gRPC port; null for plaintext
 * @param rateLimit per-client limits; null for none
 * @param metricsPort port of the Prometheus endpoint ({@code /metrics}), 0 for a free one; null for none
 * @param httpPort port of the OpenAI-compatible HTTP front ({@code /v1/...}), 0 for a free one; null for none
 */
public record ServerOptions(ApiKeys apiKeys, TlsSettings tls, RateLimitSettings rateLimit, Integer metricsPort,
        Integer httpPort) {

    public static final ServerOptions DEFAULTS = new ServerOptions(null, null, null, null, null);

    /** Options without the OpenAI-compatible HTTP front. */
    public ServerOptions(ApiKeys apiKeys, TlsSettings tls, RateLimitSettings rateLimit, Integer metricsPort) {
        this(apiKeys, tls, rateLimit, metricsPort, null);
    }

    public ServerOptions {
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new IllegalArgumentException("metricsPort must be in 0..65535, got " + metricsPort);
        }
        if (httpPort != null && (httpPort < 0 || httpPort > 65535)) {
            throw new IllegalArgumentException("httpPort must be in 0..65535, got " + httpPort);
        }
    }

    public ServerOptions withApiKeys(ApiKeys keys) {
        return new ServerOptions(keys, tls, rateLimit, metricsPort, httpPort);
    }

    public ServerOptions withTls(TlsSettings settings) {
        return new ServerOptions(apiKeys, settings, rateLimit, metricsPort, httpPort);
    }

    public ServerOptions withRateLimit(RateLimitSettings settings) {
        return new ServerOptions(apiKeys, tls, settings, metricsPort, httpPort);
    }

    public ServerOptions withMetricsPort(Integer port) {
        return new ServerOptions(apiKeys, tls, rateLimit, port, httpPort);
    }

    public ServerOptions withHttpPort(Integer port) {
        return new ServerOptions(apiKeys, tls, rateLimit, metricsPort, port);
    }

    /** The options a configuration file asks for; reads the API key file. Errors name the setting or file. */
    public static ServerOptions from(ServerConfig config) throws IOException {
        ApiKeys keys = null;
        if (config.apiKeysFile() != null) {
            try {
                keys = ApiKeys.load(Path.of(config.apiKeysFile()));
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        TlsSettings tls = null;
        if (config.tls() != null) {
            ServerConfig.Tls t = config.tls();
            tls = new TlsSettings(path(t.cert()), path(t.key()), path(t.clientCa()));
        }
        return new ServerOptions(keys, tls, config.rateLimit(), config.metricsPort(), config.httpPort());
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }
}
