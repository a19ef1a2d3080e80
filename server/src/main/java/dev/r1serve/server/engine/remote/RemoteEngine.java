package dev.r1serve.server.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineCapabilities;
import dev.r1serve.server.engine.EngineUnavailableException;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * An engine whose model runs elsewhere: an OpenAI-compatible server (vLLM, SGLang, trtllm-serve, another
 * r1-serve's HTTP front) or DJL Serving LMI (TensorRT-LLM, vLLM or LMI-Dist rolling batch). Each sequence is
 * one streamed backend request with n = 1 and the sequence's own seed, on a virtual thread of its own.
 *
 * <p>Resilience: several replicas per model with round-robin balancing; a circuit breaker per replica
 * (an open circuit ejects it, a trial call after a while readmits it); failed health probes eject it too;
 * a bulkhead of {@link RemoteEngineOptions#maxInFlight()} sequences; retries on another replica only for
 * failures before the first token (nothing was shown to the caller, and the request is seeded); an idle
 * timeout for stalled streams. Cancelling a sequence closes its HTTP stream, which vLLM and r1-serve take
 * as an abort, freeing the backend's slot.
 */
public final class RemoteEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(RemoteEngine.class.getName());
    /** How often stalled streams are looked for. */
    private static final long WATCHDOG_MILLIS = 100;

    final String modelName;
    final RemoteEngineOptions options;
    final List<Backend> backends;
    final HttpClient client;
    final Bulkhead bulkhead;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    final Set<RemoteSequence> running = ConcurrentHashMap.newKeySet();
    final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger nextBackend = new AtomicInteger();
    private volatile boolean closed;

    public RemoteEngine(String modelName, RemoteEngineOptions options) {
        this.modelName = modelName;
        this.options = options;
        this.backends = options.urls().stream()
                .map(u -> new Backend(u, options.breaker()))
                .toList();
        // One client per engine: the JDK keeps a keep-alive pool (HTTP/1.1) or one multiplexed connection
        // (HTTP/2) per replica inside it.
        this.client = HttpClient.newBuilder()
                .version(options.http2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .build();
        this.bulkhead = Bulkhead.of(
                "remote-" + modelName,
                BulkheadConfig.custom()
                        .maxConcurrentCalls(options.maxInFlight())
                        .maxWaitDuration(options.idleTimeout())
                        .build());
        this.workers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("r1-remote-" + modelName + "-", 0).factory());
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("r1-remote-" + modelName + "-timer")
                .daemon()
                .factory());
        timer.scheduleWithFixedDelay(this::watchdog, WATCHDOG_MILLIS, WATCHDOG_MILLIS, TimeUnit.MILLISECONDS);
        long probe = options.healthInterval().toMillis();
        timer.scheduleWithFixedDelay(this::probeAll, 0, probe, TimeUnit.MILLISECONDS);
    }

    @Override
    public int slots() {
        return options.maxInFlight();
    }

    /**
     * OpenAI-compatible backends take frequency and presence penalties as such (LMI's parameters differ);
     * openai-chat backends render chats with their own template.
     */
    @Override
    public EngineCapabilities capabilities() {
        return switch (options.protocol()) {
            // vLLM's /v1/completions: token-id prompts, return_token_ids (>= 0.10.2), logprobs with token_id:N
            // names; vLLM's default logprobs_mode is raw_logprobs (the model's distribution, before sampling
            // parameters). A backend started with another --logprobs-mode reports something else.
            case OPENAI ->
                new EngineCapabilities(true, true, true, true, false)
                        .withLogprobs(
                                options.logprobsMode().isEmpty()
                                        ? EngineCapabilities.RAW_LOGPROBS
                                        : options.logprobsMode(),
                                20);
            case OPENAI_CHAT ->
                new EngineCapabilities(true, false, false, false, true)
                        .withoutLogprobs(
                                "openai-chat backends render chats themselves; token ids and logprobs need the openai protocol (/v1/completions)");
            // LMI streams each token's id and log_prob ("details": true); which distribution that is depends on its
            // engine (TensorRT-LLM, vLLM, LMI-Dist), so logprobs are offered only when the config names it.
            case LMI ->
                options.logprobsMode().isEmpty()
                        ? new EngineCapabilities(false, false, true, false, false)
                                .withoutLogprobs(
                                        "set logprobsMode (raw_logprobs or processed_logprobs) for this lmi model to say "
                                                + "which distribution its engine's log_prob values are of")
                        : new EngineCapabilities(false, false, true, false, false)
                                .withLogprobs(options.logprobsMode(), 0);
        };
    }

    @Override
    public String source() {
        String kind =
                options.protocol().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return kind + ":"
                + String.join(",", options.urls().stream().map(URI::toString).toList());
    }

    /** The backend's model name, e.g. deepseek-ai/DeepSeek-R1-Distill-Qwen-7B. */
    @Override
    public String templateHint() {
        return options.backendModel();
    }

    /** Without the backend's /tokenize nothing is counted here; the backend enforces its context itself. */
    @Override
    public boolean countsPrompts() {
        return options.tokenize();
    }

    @Override
    public int contextLength() {
        return options.contextLength();
    }

    /**
     * Tokenizes through the backend's vLLM-style {@code POST /tokenize}. Backends without it (LMI,
     * trtllm-serve) are configured with {@code tokenize: false}: then nothing is counted here (an empty
     * array) and the backend enforces its own context limit, which then fails the sequence.
     *
     * @throws EngineUnavailableException when no replica answers
     */
    @Override
    public int[] tokenize(String text) {
        if (!options.tokenize()) {
            return new int[0];
        }
        String body = StreamPiece.JSON
                .createObjectNode()
                .put("model", options.backendModel())
                .put("prompt", text)
                .toString();
        Set<Backend> tried = new HashSet<>();
        String last = "no replica available";
        for (int attempt = 0; attempt <= options.retries(); attempt++) {
            Backend b = pick(tried);
            if (b == null) {
                break;
            }
            tried.add(b);
            long start = System.nanoTime();
            try {
                HttpResponse<String> r =
                        client.send(post(b.resolve("/tokenize"), body).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    b.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    JsonNode tokens = StreamPiece.JSON.readTree(r.body()).path("tokens");
                    int[] ids = new int[tokens.size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = tokens.get(i).asInt();
                    }
                    return ids;
                }
                last = b.base() + " answered " + r.statusCode() + " to /tokenize";
                if (r.statusCode() < 500 && r.statusCode() != 429) {
                    b.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    break; // a client error: the same on every replica
                }
                b.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, new IllegalStateException(last));
            } catch (java.io.IOException e) {
                last = "cannot reach " + b.base() + ": " + e;
                b.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                b.breaker().releasePermission();
                break;
            }
        }
        throw new EngineUnavailableException("model '" + modelName + "': backend unavailable: " + last);
    }

    @Override
    public SequenceHandle submit(SequenceSpec spec, SequenceListener listener) {
        RemoteSequence s = new RemoteSequence(this, spec, listener);
        if (closed) {
            listener.onFinish(SequenceResult.failed("engine for model '" + modelName + "' is closed", 0, 0));
            return s;
        }
        waiting.incrementAndGet();
        workers.execute(s::run);
        return s;
    }

    @Override
    public int busySlots() {
        return running.size();
    }

    @Override
    public int queuedSequences() {
        return waiting.get();
    }

    /** Healthy while open and at least one replica is neither ejected by its circuit nor failing probes. */
    @Override
    public boolean isHealthy() {
        return !closed && backends.stream().anyMatch(b -> b.available() && b.probeHealthy());
    }

    /** The replicas with their circuit state, for logs and tests. */
    public List<String> describeBackends() {
        return backends.stream().map(Backend::toString).toList();
    }

    /** The circuit state of replica {@code i} (CLOSED, OPEN, HALF_OPEN). */
    public String circuitState(int i) {
        return backends.get(i).breaker().getState().name();
    }

    /**
     * Round-robin over replicas not yet tried whose circuit lets a call through, preferring those whose
     * health probe passed; when all were tried, any that still admits a call. Null when none does.
     */
    Backend pick(Set<Backend> tried) {
        int n = backends.size();
        int start = Math.floorMod(nextBackend.getAndIncrement(), n);
        for (int pass = 0; pass < 3; pass++) {
            for (int k = 0; k < n; k++) {
                Backend b = backends.get((start + k) % n);
                boolean eligible = switch (pass) {
                    case 0 -> !tried.contains(b) && b.probeHealthy();
                    case 1 -> !tried.contains(b);
                    default -> true;
                };
                if (eligible && b.breaker().tryAcquirePermission()) {
                    return b;
                }
            }
        }
        return null;
    }

    HttpRequest.Builder post(URI uri, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(options.idleTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (options.apiKey() != null) {
            b.header("Authorization", "Bearer " + options.apiKey());
        }
        return b;
    }

    /** Ends streams that have been silent for longer than the idle timeout. */
    private void watchdog() {
        long limit = options.idleTimeout().toNanos();
        long now = System.nanoTime();
        for (RemoteSequence s : running) {
            s.checkIdle(now, limit);
        }
    }

    private void probeAll() {
        for (Backend b : backends) {
            if (closed) {
                return;
            }
            workers.execute(() -> probe(b));
        }
    }

    private void probe(Backend b) {
        HttpRequest r = HttpRequest.newBuilder(b.resolve(options.healthPath()))
                .timeout(options.connectTimeout().plus(Duration.ofSeconds(2)))
                .GET()
                .build();
        boolean ok;
        try {
            ok = client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (ok != b.probeHealthy()) {
            LOG.info("model '" + modelName + "': backend " + b.base() + (ok ? " passes" : " fails")
                    + " its health probe");
        }
        b.probed(ok);
    }

    boolean closed() {
        return closed;
    }

    /** Runs cancellation reports off the cancelling thread. */
    java.util.concurrent.Executor finisher() {
        return workers;
    }

    /** Cancels every sequence, stops probes and closes the HTTP client's connections. */
    @Override
    public void close() {
        closed = true;
        for (RemoteSequence s : running) {
            s.cancel();
        }
        timer.shutdownNow();
        workers.shutdown(); // the cancellations above still report; then the interrupts below
        try {
            workers.awaitTermination(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        client.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
            client.awaitTermination(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
