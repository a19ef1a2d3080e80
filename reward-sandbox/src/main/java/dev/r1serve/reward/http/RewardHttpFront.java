package dev.r1serve.reward.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.proto.v1.ScoreResponse;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.reward.metrics.RewardMetrics;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP/JSON front of the RewardService, as JDK {@link HttpHandler}s (the HTTP stack of the server's OpenAI
 * front), to mount on a {@link RewardHttpServer} of its own or beside the OpenAI API ({@code r1 serve --rewards
 * --http-port N}):
 *
 * <ul>
 *   <li>{@value #SCORE_PATH}: a {@code ScoreRequest} in proto JSON to a {@code ScoreResponse} (group advantages
 *       included); errors in Google's JSON error shape {@code {"error": {"code", "status", "message", "field"}}};</li>
 *   <li>{@value #OPENRLHF_PATH}: OpenRLHF's remote reward model protocol ({@link OpenRlhfReward});</li>
 *   <li>{@value #RUN_CODE_PATH}: SandboxFusion's {@code run_code} ({@link SandboxFusionRunCode}).</li>
 * </ul>
 *
 * <p>Scoring goes through {@link dev.r1serve.reward.grpc.RewardGrpcService#score} itself, so HTTP requests pass
 * the same validation, limits, scorer and metrics as gRPC calls; bodies are capped at the gRPC message limit
 * ({@link RewardServer#MAX_MESSAGE_BYTES}, 413 beyond). With keys, every route needs
 * {@code Authorization: Bearer <key>} (401 without).
 */
public final class RewardHttpFront {

    public static final String SCORE_PATH = "/v1/rewards:score";
    public static final String OPENRLHF_PATH = "/openrlhf/reward";
    public static final String RUN_CODE_PATH = "/run_code";

    private static final Logger LOG = Logger.getLogger(RewardHttpFront.class.getName());
    static final ObjectMapper JSON = new ObjectMapper();
    /** A batch whose code runs queue behind others can take long; gRPC callers set no deadline either. */
    private static final long SCORE_TIMEOUT_MINUTES = 30;

    /** The API keys a server accepts: the key's name for a key it knows. */
    @FunctionalInterface
    public interface Keys {
        Optional<String> authenticate(String presentedKey);
    }

    /** How a protocol writes its errors. */
    enum Shape {
        GOOGLE,
        FASTAPI
    }

    /** One route's work: a request body in, the 200 response's JSON out. */
    @FunctionalInterface
    interface Route {
        String handle(byte[] body) throws IOException;
    }

    private final RewardServer.Mounted rewards;
    private final Keys keys;
    private final RewardMetrics metrics;
    private final SandboxFusionRunCode runCode;

    /**
     * @param rewards the reward service this front calls (a {@link RewardServer}'s, or one mounted in {@code r1 serve})
     * @param keys API keys; null serves openly
     */
    public RewardHttpFront(RewardServer.Mounted rewards, Keys keys) {
        this.rewards = rewards;
        this.keys = keys;
        this.metrics = rewards.metrics();
        this.runCode = new SandboxFusionRunCode(
                rewards.pool(), rewards.scorer().options().codeLimits());
    }

    /** Path to handler, to mount each with {@code HttpServer.createContext(path, handler)}. */
    public Map<String, HttpHandler> handlers() {
        Map<String, HttpHandler> out = new LinkedHashMap<>();
        out.put(SCORE_PATH, handler(SCORE_PATH, Shape.GOOGLE, this::score));
        out.put(OPENRLHF_PATH, handler(OPENRLHF_PATH, Shape.FASTAPI, this::openRlhf));
        out.put(
                RUN_CODE_PATH,
                handler(RUN_CODE_PATH, Shape.FASTAPI, b -> JSON.writeValueAsString(runCode.run(readJson(b)))));
        return out;
    }

    private String score(byte[] body) throws IOException {
        ScoreRequest request = ScoreJson.parseFast(body);
        if (request == null) request = ScoreJson.parse(readJson(body)); // the careful parse, for its errors
        return ScoreJson.print(call(request));
    }

    private String openRlhf(byte[] body) throws IOException {
        JsonNode root = readJson(body);
        ScoreRequest request = OpenRlhfReward.toRequest(root);
        ScoreResponse response;
        try {
            response = call(request);
        } catch (HttpProblem p) {
            throw OpenRlhfReward.renamed(p);
        }
        return JSON.writeValueAsString(OpenRlhfReward.toResponse(response));
    }

    /** Runs the request through the gRPC service's own Score (validation, grouping, advantages). */
    private ScoreResponse call(ScoreRequest request) {
        CompletableFuture<ScoreResponse> done = new CompletableFuture<>();
        rewards.service().score(request, new StreamObserver<>() {
            @Override
            public void onNext(ScoreResponse r) {
                done.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        try {
            return done.get(SCORE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) throw HttpProblem.of(s);
            throw new IllegalStateException("scoring failed", e.getCause());
        } catch (TimeoutException e) {
            throw new HttpProblem(504, null, "scoring took over " + SCORE_TIMEOUT_MINUTES + " minutes", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpProblem(503, null, "server is shutting down", 1);
        }
    }

    private HttpHandler handler(String route, Shape shape, Route work) {
        return ex -> {
            try (ex) {
                int code;
                String body;
                try {
                    // Contexts match by prefix; only the exact path is the route.
                    if (!ex.getRequestURI().getPath().equals(route)) {
                        throw new HttpProblem(
                                404, null, "no route " + ex.getRequestURI().getPath(), 0);
                    }
                    authenticate(ex);
                    if (!ex.getRequestMethod().equals("POST")) {
                        ex.getResponseHeaders().set("Allow", "POST");
                        throw new HttpProblem(405, null, route + " takes POST, got " + ex.getRequestMethod(), 0);
                    }
                    body = work.handle(readBody(ex));
                    code = 200;
                } catch (HttpProblem p) {
                    code = p.status();
                    body = problem(ex, shape, p);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "reward HTTP front: " + route + " failed", e);
                    code = 500;
                    body = problem(
                            ex,
                            shape,
                            new HttpProblem(
                                    500, null, "internal error: " + e.getClass().getSimpleName(), 0));
                }
                metrics.httpRequest(route, code); // before the reply, so a client that sees it sees it counted
                send(ex, code, body);
            } catch (IOException e) {
                LOG.fine(() -> "reward HTTP front: client went away: " + e);
            }
        };
    }

    private void authenticate(HttpExchange ex) {
        if (keys == null) return;
        String auth = Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization"))
                .orElse("");
        boolean bearer = auth.regionMatches(true, 0, "Bearer ", 0, 7);
        if (!bearer) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new HttpProblem(
                    401, "Authorization", "Authorization: missing API key (send 'Authorization: Bearer <key>')", 0);
        }
        if (keys.authenticate(auth.substring(7).strip()).isEmpty()) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw new HttpProblem(401, "Authorization", "Authorization: invalid API key", 0);
        }
    }

    /**
     * The body, at most the gRPC message limit: a declared or actual size beyond it is 413. A refused body up to
     * {@link #DISCARD_LIMIT} is read to its end and dropped first, so the connection stays open for the reply:
     * closing it while the client still sends resets the socket, and the client sees a dropped connection
     * instead of the 413 (the JDK server itself drains only 64 KiB).
     */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        int max = RewardServer.MAX_MESSAGE_BYTES;
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        long size = declared != null && declared.strip().matches("\\d{1,18}") ? Long.parseLong(declared.strip()) : -1;
        // Beyond the discard limit nothing is read: the 413 goes out before the JDK server drains and closes.
        if (size > DISCARD_LIMIT) throw tooLarge(max);
        try (InputStream in = ex.getRequestBody()) {
            if (size > max) {
                discard(in, size);
                throw tooLarge(max);
            }
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                discard(in, DISCARD_LIMIT - body.length);
                throw tooLarge(max);
            }
            return body;
        }
    }

    /** How much of a refused body is read and dropped before the 413 (beyond it the connection is closed). */
    static final long DISCARD_LIMIT = 4L * RewardServer.MAX_MESSAGE_BYTES;

    /** Reads and drops at most {@code limit} bytes of what is left of {@code in}. */
    private static void discard(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[64 << 10];
        for (long left = limit; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) return;
            left -= n;
        }
    }

    private static HttpProblem tooLarge(int max) {
        return new HttpProblem(413, "body", "body: over " + max + " bytes (the gRPC message limit)", 0);
    }

    static JsonNode readJson(byte[] body) {
        if (body.length == 0) throw HttpProblem.badRequest("body", "body: empty; send a JSON object");
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) throw HttpProblem.badRequest("body", "body: must be a JSON object");
            return root;
        } catch (JacksonException e) {
            throw HttpProblem.badRequest("body", "body: not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HttpProblem.badRequest("body", "body: unreadable: " + e.getMessage());
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String problem(HttpExchange ex, Shape shape, HttpProblem p) throws IOException {
        if (p.retryAfterSeconds() > 0) ex.getResponseHeaders().set("Retry-After", Long.toString(p.retryAfterSeconds()));
        return JSON.writeValueAsString(errorBody(shape, p));
    }

    static ObjectNode errorBody(Shape shape, HttpProblem p) {
        ObjectNode out = JSON.createObjectNode();
        if (shape == Shape.GOOGLE) {
            ObjectNode err = out.putObject("error")
                    .put("code", p.status())
                    .put("status", p.grpcStatus())
                    .put("message", p.getMessage());
            if (p.field() != null) err.put("field", p.field());
        } else if (p.status() == 400 && p.field() != null) {
            // FastAPI's validation error: {"detail": [{"loc": ["body", ...], "msg", "type"}]}
            ObjectNode d = out.putArray("detail").addObject();
            ArrayNode loc = d.putArray("loc").add("body");
            Matcher m = PATH_PART.matcher(p.field().equals("body") ? "" : p.field());
            while (m.find()) {
                if (m.group(1) != null) loc.add(m.group(1));
                else loc.add(Integer.parseInt(m.group(2)));
            }
            d.put("msg", p.getMessage()).put("type", "value_error");
        } else {
            out.put("detail", p.getMessage()); // FastAPI's HTTPException
        }
        return out;
    }

    private static final Pattern PATH_PART = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)|\\[(\\d+)]");
}
