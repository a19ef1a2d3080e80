package dev.r1serve.server.engine.remote;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How a {@link RemoteEngine} reaches its backends.
 *
 * @param protocol the backend's API: OpenAI {@code /v1/completions} or DJL Serving LMI {@code /invocations}
 * @param urls base URLs of equivalent replicas (e.g. {@code http://10.0.0.5:8000}); requests are balanced
 *     across them and failing ones are ejected
 * @param backendModel the model name the backend knows (OpenAI {@code model} field)
 * @param apiKey bearer token sent to the backends, or null
 * @param maxInFlight sequences in flight at once across all replicas (the engine's slots; a bulkhead)
 * @param contextLength tokens per sequence, for validation
 * @param http2 prefer HTTP/2 (h2c or ALPN; falls back to HTTP/1.1 where the backend lacks it)
 * @param connectTimeout TCP/TLS connect timeout
 * @param idleTimeout longest wait for the response headers or for the next bytes of a stream
 * @param retries further attempts on another replica after a failure before the first token
 * @param tokenize whether the backend has vLLM's {@code POST /tokenize} (else prompts are not counted here)
 * @param healthPath probed every {@code healthInterval}; 200 means healthy ({@code /health} or {@code /ping})
 * @param breaker circuit breaker settings, per replica
 * @param logprobsMode which distribution the backend's log-probabilities are of ({@code raw_logprobs} or
 *     {@code processed_logprobs}); empty for the protocol's default (vLLM's raw_logprobs; none for LMI, whose
 *     engines differ, so LMI models give log-probabilities only when this says what they are)
 */
public record RemoteEngineOptions(
        Protocol protocol,
        List<URI> urls,
        String backendModel,
        String apiKey,
        int maxInFlight,
        int contextLength,
        boolean http2,
        Duration connectTimeout,
        Duration idleTimeout,
        int retries,
        boolean tokenize,
        String healthPath,
        Duration healthInterval,
        Breaker breaker,
        String logprobsMode) {

    /** The backend's API. */
    public enum Protocol {
        /** OpenAI-compatible {@code /v1/completions} with SSE streaming (vLLM, SGLang, trtllm-serve, r1-serve). */
        OPENAI,
        /**
         * OpenAI-compatible {@code /v1/chat/completions} with SSE streaming: chat requests go as messages and the
         * backend renders them with its own template (raw prompts still use {@code /v1/completions}).
         */
        OPENAI_CHAT,
        /** DJL Serving LMI {@code /invocations}: {@code {"inputs", "parameters"}}, JSON lines streaming. */
        LMI
    }

    /**
     * Per-replica circuit breaker: it opens when at least {@code failureRatePercent} of the last
     * {@code window} calls failed (after {@code minimumCalls}), refuses at once while open, and after
     * {@code openFor} lets one trial call through, which closes it again on success.
     */
    public record Breaker(int window, int minimumCalls, float failureRatePercent, Duration openFor) {
        public static final Breaker DEFAULT = new Breaker(20, 5, 50, Duration.ofSeconds(10));
    }

    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final int DEFAULT_CONTEXT_LENGTH = 32768;

    public RemoteEngineOptions {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("a remote engine needs at least one backend URL");
        }
        for (URI u : urls) {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("backend URL must be http or https: " + u);
            }
        }
        logprobsMode = logprobsMode == null ? "" : logprobsMode;
        if (!logprobsMode.isEmpty()
                && !logprobsMode.equals("raw_logprobs")
                && !logprobsMode.equals("processed_logprobs")) {
            throw new IllegalArgumentException(
                    "logprobsMode must be raw_logprobs or processed_logprobs, got " + logprobsMode);
        }
        if (maxInFlight < 1 || contextLength < 1 || retries < 0) {
            throw new IllegalArgumentException("maxInFlight and contextLength must be >= 1, retries >= 0");
        }
    }

    /** Defaults for the rest: 64 in flight, 32768 context, HTTP/1.1, 5 s connect, 120 s idle, 2 retries. */
    public static RemoteEngineOptions of(Protocol protocol, List<URI> urls, String backendModel) {
        return new RemoteEngineOptions(
                protocol,
                urls,
                backendModel,
                null,
                DEFAULT_MAX_IN_FLIGHT,
                DEFAULT_CONTEXT_LENGTH,
                false,
                Duration.ofSeconds(5),
                Duration.ofSeconds(120),
                2,
                protocol == Protocol.OPENAI,
                protocol == Protocol.LMI ? "/ping" : "/health",
                Duration.ofSeconds(5),
                Breaker.DEFAULT,
                "");
    }

    public RemoteEngineOptions withMaxInFlight(int n) {
        return with(c -> c.maxInFlight = n);
    }

    public RemoteEngineOptions withContextLength(int n) {
        return with(c -> c.contextLength = n);
    }

    public RemoteEngineOptions withHttp2(boolean on) {
        return with(c -> c.http2 = on);
    }

    public RemoteEngineOptions withTimeouts(Duration connect, Duration idle) {
        return with(c -> {
            c.connectTimeout = connect;
            c.idleTimeout = idle;
        });
    }

    public RemoteEngineOptions withRetries(int n) {
        return with(c -> c.retries = n);
    }

    public RemoteEngineOptions withTokenize(boolean on) {
        return with(c -> c.tokenize = on);
    }

    public RemoteEngineOptions withApiKey(String key) {
        return with(c -> c.apiKey = key);
    }

    public RemoteEngineOptions withHealth(String path, Duration interval) {
        return with(c -> {
            c.healthPath = path;
            c.healthInterval = interval;
        });
    }

    /** Which distribution the backend's log-probabilities are of (see {@link #logprobsMode()}). */
    public RemoteEngineOptions withLogprobsMode(String mode) {
        return with(c -> c.logprobsMode = mode);
    }

    public RemoteEngineOptions withBreaker(Breaker b) {
        return with(c -> c.breaker = b);
    }

    /** A copy with the components {@code change} sets; the others as they are. */
    private RemoteEngineOptions with(java.util.function.Consumer<Components> change) {
        Components c = new Components(this);
        change.accept(c);
        return new RemoteEngineOptions(
                c.protocol,
                c.urls,
                c.backendModel,
                c.apiKey,
                c.maxInFlight,
                c.contextLength,
                c.http2,
                c.connectTimeout,
                c.idleTimeout,
                c.retries,
                c.tokenize,
                c.healthPath,
                c.healthInterval,
                c.breaker,
                c.logprobsMode);
    }

    /** The components of an options record, to change some of them (see {@link #with}). */
    private static final class Components {
        Protocol protocol;
        List<URI> urls;
        String backendModel;
        String apiKey;
        int maxInFlight;
        int contextLength;
        boolean http2;
        Duration connectTimeout;
        Duration idleTimeout;
        int retries;
        boolean tokenize;
        String healthPath;
        Duration healthInterval;
        Breaker breaker;
        String logprobsMode;

        Components(RemoteEngineOptions o) {
            protocol = o.protocol;
            urls = o.urls;
            backendModel = o.backendModel;
            apiKey = o.apiKey;
            maxInFlight = o.maxInFlight;
            contextLength = o.contextLength;
            http2 = o.http2;
            connectTimeout = o.connectTimeout;
            idleTimeout = o.idleTimeout;
            retries = o.retries;
            tokenize = o.tokenize;
            healthPath = o.healthPath;
            healthInterval = o.healthInterval;
            breaker = o.breaker;
            logprobsMode = o.logprobsMode;
        }
    }
}
