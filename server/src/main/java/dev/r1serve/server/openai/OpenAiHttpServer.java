package dev.r1serve.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.generation.Generation;
import dev.r1serve.server.generation.GenerationRequest;
import dev.r1serve.server.generation.GenerationService;
import dev.r1serve.server.generation.PreparedPrompt;
import dev.r1serve.server.metrics.CallMetricsInterceptor;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.security.ApiKeys;
import dev.r1serve.server.security.RateLimits;
import dev.r1serve.server.validation.RequestValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenAI-compatible HTTP front: {@code GET /v1/models}, {@code POST /v1/completions},
 * {@code POST /v1/chat/completions} (streamed as server-sent events or answered whole), plus vLLM's
 * {@code POST /tokenize} and {@code GET /health} so one r1-serve can be another's backend. Requests go
 * through the same {@link RequestValidator} and {@link GenerationService} as gRPC calls, and their
 * refusals become OpenAI errors in {@link HttpErrors}.
 *
 * <p>Built on the JDK's HTTP server with one virtual thread per exchange: a streaming exchange blocks its
 * own virtual thread on the generation's events, and a client that goes away is noticed on the next write
 * (a comment line is written every second while nothing else is), which cancels the generation.
 */
public final class OpenAiHttpServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OpenAiHttpServer.class.getName());
    static final ObjectMapper JSON = new ObjectMapper();
    /** Request bodies beyond this are refused; prompts are bounded by the validator well below it. */
    private static final int MAX_BODY_BYTES = 8 << 20;

    private static final String MODELS_PREFIX = "/v1/models/";
    /** Routes counted by name in r1_requests_total; anything else counts as "other" (bounded label values). */
    private static final java.util.Set<String> ROUTES =
            java.util.Set.of("/v1/models", "/v1/completions", "/v1/chat/completions", "/tokenize");

    /**
     * The JDK server's limit (seconds) on receiving a request's headers and body, after which it closes the
     * connection: slow clients (slowloris) cannot hold connections open forever. A JVM-wide property, read once
     * when the first JDK HTTP server of the process starts (the metrics endpoint's included), so it is set by
     * {@link #limitRequestTime()} before that; {@code -Dsun.net.httpserver.maxReqTime=N} overrides it.
     */
    public static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";

    public static final int DEFAULT_MAX_REQUEST_SECONDS = 30;

    static {
        limitRequestTime();
    }

    /** Sets {@link #MAX_REQUEST_TIME_PROPERTY} to the default unless the user set it; call before any HTTP server starts. */
    public static synchronized void limitRequestTime() {
        if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_TIME_PROPERTY, Integer.toString(DEFAULT_MAX_REQUEST_SECONDS));
        }
    }

    static {
        // The JDK server sends headers and body as separate writes: without TCP_NODELAY, Nagle holds the body
        // until the client's delayed ACK (~40 ms per response). Read once, when the first HttpServer is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ModelRegistry models;
    private final RequestValidator validator;
    private final GenerationService generations;
    private final ApiKeys apiKeys;
    private final BooleanSupplier draining;
    private RateLimits rateLimits;
    private CallMetricsInterceptor callMetrics;

    /**
     * Binds {@code host:port} (0 = a free port); call {@link #start()} to serve.
     *
     * @param apiKeys keys accepted as {@code Authorization: Bearer}; null serves openly
     * @param draining true once the server drains: /health answers 503 (generations are refused by the service)
     */
    public OpenAiHttpServer(
            String host,
            int port,
            GenerationService generations,
            RequestValidator validator,
            ApiKeys apiKeys,
            BooleanSupplier draining)
            throws IOException {
        this.models = generations.models();
        this.validator = validator;
        this.generations = generations;
        this.apiKeys = apiKeys;
        this.draining = draining;
        this.http = HttpServer.create(new InetSocketAddress(host, port), 0);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /** Counts this front's requests in {@code r1_requests_total} beside the gRPC calls; null for none. */
    public OpenAiHttpServer withCallMetrics(CallMetricsInterceptor calls) {
        this.callMetrics = calls;
        return this;
    }

    /** Applies per-client limits (shared with the gRPC service) to generations; null for none. */
    public OpenAiHttpServer withRateLimits(RateLimits limits) {
        this.rateLimits = limits;
        return this;
    }

    /**
     * Serves {@code handler} at {@code path} on this server's port beside the OpenAI API (e.g. the reward front:
     * {@code r1 serve --rewards}); the handler does its own authentication and errors.
     */
    public OpenAiHttpServer mount(String path, com.sun.net.httpserver.HttpHandler handler) {
        http.createContext(path, handler);
        return this;
    }

    public OpenAiHttpServer start() {
        http.start();
        return this;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Stops accepting connections; exchanges still streaming get a second to finish. */
    @Override
    public void close() {
        http.stop(1);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) {
        boolean gone = false;
        try (ex) {
            try {
                route(ex);
            } catch (OpenAiException e) {
                sendError(ex, e);
            } catch (ServerException e) {
                sendError(ex, HttpErrors.toOpenAi(e));
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "OpenAI front: request failed", e);
                sendError(
                        ex,
                        new OpenAiException(
                                500,
                                "internal_error",
                                null,
                                null,
                                "internal error: " + e.getClass().getSimpleName(),
                                0));
            }
        } catch (IOException e) {
            gone = true;
            LOG.fine(() -> "OpenAI front: client went away: " + e);
        } finally {
            count(ex, gone);
        }
    }

    /** One count per request in {@code r1_requests_total{front="http"}}, by route and answer. */
    private void count(HttpExchange ex, boolean gone) {
        String path = ex.getRequestURI().getPath();
        if (callMetrics == null || path.equals("/health") || path.equals("/ping")) {
            return;
        }
        String route = ROUTES.contains(path) ? path : path.startsWith(MODELS_PREFIX) ? "/v1/models/{id}" : "other";
        if (gone || ex.getResponseCode() < 0) {
            callMetrics.countHttpCancelled(route);
        } else {
            callMetrics.countHttp(route, ex.getResponseCode());
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals("/health") || path.equals("/ping")) {
            boolean ok = !draining.getAsBoolean()
                    && models.all().stream().allMatch(m -> m.engine().isHealthy());
            sendJson(ex, ok ? 200 : 503, JSON.createObjectNode().put("status", ok ? "healthy" : "unhealthy"));
            return;
        }
        String client = authenticate(ex);
        switch (path) {
            case "/v1/models" -> {
                requireMethod(method, "GET");
                sendJson(ex, 200, listModels());
            }
            case "/v1/completions" -> {
                requireMethod(method, "POST");
                generate(ex, OpenAiRequest.parse(readJson(ex), false), client);
            }
            case "/v1/chat/completions" -> {
                requireMethod(method, "POST");
                generate(ex, OpenAiRequest.parse(readJson(ex), true), client);
            }
            case "/tokenize" -> {
                requireMethod(method, "POST");
                sendJson(ex, 200, tokenize(readJson(ex)));
            }
            default -> {
                if (path.startsWith(MODELS_PREFIX) && path.length() > MODELS_PREFIX.length()) {
                    requireMethod(method, "GET");
                    sendJson(ex, 200, retrieveModel(path.substring(MODELS_PREFIX.length())));
                    return;
                }
                throw new OpenAiException(404, "not_found_error", null, null, "no route " + path, 0);
            }
        }
    }

    /** The API key's name, or "anonymous" on an open server (as gRPC calls are scheduled). */
    private String authenticate(HttpExchange ex) {
        if (apiKeys == null) {
            return "anonymous";
        }
        String auth = Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization"))
                .orElse("");
        Optional<String> name = auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? apiKeys.authenticate(auth.substring(7).trim())
                : Optional.empty();
        return name.orElseThrow(() -> new OpenAiException(
                401,
                "authentication_error",
                null,
                "invalid_api_key",
                "missing or invalid API key (Authorization: Bearer <key>)",
                0));
    }

    private static void requireMethod(String method, String expected) {
        if (!method.equals(expected)) {
            throw new OpenAiException(405, "invalid_request_error", null, null, "use " + expected, 0);
        }
    }

    private ObjectNode listModels() {
        ObjectNode out = JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (HostedModel m : models.all()) {
            data.add(modelObject(m));
        }
        return out;
    }

    /** {@code GET /v1/models/{id}} (the SDKs' {@code models.retrieve}); the id is URL-decoded by the JDK. */
    private ObjectNode retrieveModel(String id) {
        return models.all().stream()
                .filter(m -> m.name().equals(id))
                .findFirst()
                .map(OpenAiHttpServer::modelObject)
                .orElseThrow(() -> new ServerException.ModelNotFound(id));
    }

    private static ObjectNode modelObject(HostedModel m) {
        return JSON.createObjectNode()
                .put("id", m.name())
                .put("object", "model")
                .put("created", 0)
                .put("owned_by", "r1-serve")
                .put("root", m.source())
                .put("max_model_len", m.engine().contextLength());
    }

    /** vLLM's {@code /tokenize}: {"model", "prompt"} to {"tokens", "count", "max_model_len"}. */
    private ObjectNode tokenize(JsonNode body) throws IOException {
        if (!body.path("model").isTextual() || !body.path("prompt").isTextual()) {
            throw OpenAiException.badRequest("prompt", "model and prompt must be strings");
        }
        HostedModel model = validator.model(body.get("model").asText());
        var input = validator.text("prompt", body.get("prompt").asText());
        PreparedPrompt prompt;
        try {
            prompt = generations.prepare(model.name(), input).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ServerException s) {
                throw s;
            }
            throw e;
        }
        int[] ids = prompt.tokenIds();
        ObjectNode out = JSON.createObjectNode()
                .put("count", ids.length)
                .put("max_model_len", model.engine().contextLength());
        ArrayNode tokens = out.putArray("tokens");
        for (int id : ids) {
            tokens.add(id);
        }
        return out;
    }

    private void generate(HttpExchange ex, OpenAiRequest request, String client) throws IOException {
        if (rateLimits != null) {
            // Budgets are per key, or per peer address on an open server, as for gRPC calls.
            String who = apiKeys != null
                    ? client
                    : "peer:" + ex.getRemoteAddress().getAddress().getHostAddress();
            var s = request.proto().getSampling();
            rateLimits.acquireRequest(who);
            rateLimits.acquire(who, s.hasN() ? s.getN() : 1);
        }
        GenerationRequest valid = validator.validate(request.proto());
        GenerationEvents events = new GenerationEvents();
        // No deadline of its own: the service applies the model's default timeout and reports it as an event.
        Generation generation = generations.submit(valid, GenerationService.Caller.of(client, null), events);
        String id = (request.chat() ? "chatcmpl-" : "cmpl-") + UUID.randomUUID();
        ResponseWriter writer = new ResponseWriter(
                id, valid, request, validator.model(valid.model()).engine()::tokenBytes);
        try {
            if (request.stream()) {
                new SseStream(ex, writer, events, request.includeUsage()).run();
            } else {
                List<Sample> samples = events.awaitAll();
                if (samples.stream().allMatch(s -> s.getFinishReason() == FinishReason.FINISH_REASON_ERROR)) {
                    // Nothing was generated: the engine (e.g. a remote backend) is unavailable.
                    throw HttpErrors.toOpenAi(new ServerException.BackendUnavailable(
                            samples.get(0).getError()));
                }
                sendJson(ex, 200, writer.whole(samples));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Idempotent; frees engine slots when the client went away or the exchange failed.
            generation.cancel();
        }
    }

    /**
     * A refused body up to this size is read to its end and dropped before the 413, so the connection stays open
     * for the reply: closing it while the client still sends resets the socket, and the client sees a dropped
     * connection instead of the 413 (the JDK server itself drains only 64 KiB). Beyond it nothing is read.
     */
    private static final long DISCARD_LIMIT = 4L * MAX_BODY_BYTES;

    private static JsonNode readJson(HttpExchange ex) {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        long size = declared != null && declared.strip().matches("\\d{1,18}") ? Long.parseLong(declared.strip()) : -1;
        // Thrown before the body is opened: the 413 goes out before the JDK server drains and closes.
        if (size > DISCARD_LIMIT) throw tooLarge();
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                discard(in, DISCARD_LIMIT - body.length);
                throw tooLarge();
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw OpenAiException.badRequest(null, "the request body is not valid JSON: " + e.getOriginalMessage());
            }
            String broken = loneSurrogate(json, "");
            if (broken != null) {
                // JSON's \\uD800 escapes can encode half a character, which no tokenizer can take.
                throw OpenAiException.badRequest(
                        broken.isEmpty() ? null : broken,
                        (broken.isEmpty() ? "the request body" : broken)
                                + ": contains a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)");
            }
            return json;
        } catch (IOException e) {
            // A malformed chunked body or a connection that ended before its Content-Length.
            throw OpenAiException.badRequest(null, "the request body could not be read: " + e.getMessage());
        }
    }

    private static OpenAiException tooLarge() {
        return new OpenAiException(
                413, "invalid_request_error", null, null, "request body over " + MAX_BODY_BYTES + " bytes", 0);
    }

    /** Reads and drops at most {@code limit} bytes of what is left of {@code in}. */
    private static void discard(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[64 << 10];
        for (long left = limit; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) return;
            left -= n;
        }
    }

    /** The path of the first field name or string holding an unpaired surrogate, or null. */
    static String loneSurrogate(JsonNode node, String path) {
        if (node.isTextual()) {
            return hasLoneSurrogate(node.asText()) ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = loneSurrogate(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var f = it.next();
                String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                if (hasLoneSurrogate(f.getKey())) {
                    return path;
                }
                String found = loneSurrogate(f.getValue(), child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendError(HttpExchange ex, OpenAiException e) throws IOException {
        if (e.retryAfterMillis() > 0) {
            ex.getResponseHeaders().set("Retry-After", Long.toString((e.retryAfterMillis() + 999) / 1000));
            ex.getResponseHeaders().set(ErrorDetails.RETRY_AFTER_MS, Long.toString(e.retryAfterMillis()));
        }
        sendJson(ex, e.httpStatus(), errorBody(e));
    }

    static ObjectNode errorBody(OpenAiException e) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode err = out.putObject("error");
        err.put("message", e.getMessage())
                .put("type", e.type())
                .put("param", e.param())
                .put("code", e.code());
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
