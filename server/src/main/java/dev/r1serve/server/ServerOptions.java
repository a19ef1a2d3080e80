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
 * @param maxMessageBytes largest inbound gRPC message; null for {@link #DEFAULT_MAX_MESSAGE_BYTES}
 */
public record ServerOptions(
        ApiKeys apiKeys,
        TlsSettings tls,
        RateLimitSettings rateLimit,
        Integer metricsPort,
        Integer httpPort,
        Integer maxMessageBytes) {

    /** grpc-java's own default (4 MiB); a prompt for a long-context model can need more. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 << 20;

    public static final ServerOptions DEFAULTS = new ServerOptions(null, null, null, null, null, null);

    /** Options with the default inbound message limit. */
    public ServerOptions(
            ApiKeys apiKeys, TlsSettings tls, RateLimitSettings rateLimit, Integer metricsPort, Integer httpPort) {
        this(apiKeys, tls, rateLimit, metricsPort, httpPort, null);
    }

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
        if (maxMessageBytes != null && maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 1024, got " + maxMessageBytes);
        }
    }

    public int maxMessageBytesOrDefault() {
        return maxMessageBytes == null ? DEFAULT_MAX_MESSAGE_BYTES : maxMessageBytes;
    }

    public ServerOptions withMaxMessageBytes(Integer bytes) {
        return new ServerOptions(apiKeys, tls, rateLimit, metricsPort, httpPort, bytes);
    }

    public ServerOptions withApiKeys(ApiKeys keys) {
        return new ServerOptions(keys, tls, rateLimit, metricsPort, httpPort, maxMessageBytes);
    }

    public ServerOptions withTls(TlsSettings settings) {
        return new ServerOptions(apiKeys, settings, rateLimit, metricsPort, httpPort, maxMessageBytes);
    }

    public ServerOptions withRateLimit(RateLimitSettings settings) {
        return new ServerOptions(apiKeys, tls, settings, metricsPort, httpPort, maxMessageBytes);
    }

    public ServerOptions withMetricsPort(Integer port) {
        return new ServerOptions(apiKeys, tls, rateLimit, port, httpPort, maxMessageBytes);
    }

    public ServerOptions withHttpPort(Integer port) {
        return new ServerOptions(apiKeys, tls, rateLimit, metricsPort, port, maxMessageBytes);
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
        return new ServerOptions(
                keys, tls, config.rateLimit(), config.metricsPort(), config.httpPort(), config.maxMessageBytes());
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }
}
