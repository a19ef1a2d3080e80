package dev.r1serve.server.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.r1serve.server.security.RateLimitSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The server's YAML configuration file.
 *
 * <pre>
 * host: 0.0.0.0
 * port: 50051
 * maxSamples: 64        # cap on n per request (at least 64)
 * models:
 *   - name: stories
 *     path: stories260k
 * # optional, for production traffic:
 * metricsPort: 9464     # Prometheus /metrics over HTTP (0 = a free port)
 * httpPort: 8000        # OpenAI-compatible HTTP front: /v1/models, /v1/completions, /v1/chat/completions
 * apiKeysFile: keys.txt # name:sha256hex per line; without it the server is open
 * tls: {cert: server.pem, key: server.key, clientCa: clients-ca.pem}  # clientCa turns on mutual TLS
 * rateLimit: {requestsPerSecond: 10, sequencesPerSecond: 64}         # per API key (or peer when open)
 * maxMessageBytes: 4194304  # largest inbound gRPC message (default 4 MiB); raise it for huge prompts
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ServerConfig(
        String host,
        Integer port,
        Integer maxSamples,
        List<ModelConfig> models,
        Integer metricsPort,
        String apiKeysFile,
        Tls tls,
        RateLimitSettings rateLimit,
        Integer httpPort,
        Integer maxMessageBytes) {

    /** TLS files (PEM); {@code clientCa} requires client certificates signed by it (mutual TLS). */
    public record Tls(String cert, String key, String clientCa) {}

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_MAX_SAMPLES = 64;

    public ServerConfig {
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** A configuration without the production settings (metrics, API keys, TLS, rate limits). */
    public ServerConfig(String host, Integer port, Integer maxSamples, List<ModelConfig> models) {
        this(host, port, maxSamples, models, null, null, null, null, null, null);
    }

    /** A configuration with the default inbound message limit. */
    public ServerConfig(
            String host,
            Integer port,
            Integer maxSamples,
            List<ModelConfig> models,
            Integer metricsPort,
            String apiKeysFile,
            Tls tls,
            RateLimitSettings rateLimit,
            Integer httpPort) {
        this(host, port, maxSamples, models, metricsPort, apiKeysFile, tls, rateLimit, httpPort, null);
    }

    /** A configuration without the OpenAI-compatible HTTP front. */
    public ServerConfig(
            String host,
            Integer port,
            Integer maxSamples,
            List<ModelConfig> models,
            Integer metricsPort,
            String apiKeysFile,
            Tls tls,
            RateLimitSettings rateLimit) {
        this(host, port, maxSamples, models, metricsPort, apiKeysFile, tls, rateLimit, null, null);
    }

    public String hostOrDefault() {
        return host == null ? DEFAULT_HOST : host;
    }

    public int portOrDefault() {
        return port == null ? 50051 : port;
    }

    public int maxSamplesOrDefault() {
        return maxSamples == null ? DEFAULT_MAX_SAMPLES : maxSamples;
    }

    /** Reads a YAML file; errors name the file and what is wrong with it. */
    public static ServerConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("config file not found: " + file);
        }
        ObjectMapper yaml =
                new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        ServerConfig c;
        try {
            c = yaml.readValue(file.toFile(), ServerConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IOException(
                    file + ": unknown setting '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")",
                    e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": " + e.getOriginalMessage(), e);
        }
        if (c == null || c.models().isEmpty()) {
            throw new IOException(file + ": 'models' must list at least one model");
        }
        for (int i = 0; i < c.models().size(); i++) {
            ModelConfig m = c.models().get(i);
            if (m == null || m.name() == null || m.name().isBlank()) {
                throw new IOException(file + ": models[" + i + "].name is required");
            }
            try {
                dev.r1serve.server.model.ModelLoader.check(m);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": models[" + i + "]: " + e.getMessage(), e);
            }
        }
        if (c.tls() != null && (c.tls().cert() == null || c.tls().key() == null)) {
            throw new IOException(file + ": tls needs both 'cert' and 'key'");
        }
        return c;
    }
}
