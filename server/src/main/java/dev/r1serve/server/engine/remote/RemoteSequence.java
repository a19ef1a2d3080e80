package dev.r1serve.server.engine.remote;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One sequence on a remote engine: waits for the bulkhead, then tries replicas until one streams the
 * completion, and reports text and the finish to its listener. Listener calls are serialized on this
 * object, so a cancel racing the stream never reports text after the finish.
 */
final class RemoteSequence implements SequenceHandle {

    private static final int[] NO_IDS = new int[0];

    private final RemoteEngine engine;
    private final SequenceSpec spec;
    private final SequenceListener listener;
    private final boolean thinkPrefilled;

    private volatile boolean cancelled;
    private volatile boolean idleTimedOut;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile InputStream body;
    private volatile CompletableFuture<?> pending;
    private boolean finished;
    private boolean started;

    // Per attempt, touched by the worker thread only.
    private boolean receivedText;
    private boolean inReasoning;
    private int promptTokens = -1;
    private int completionTokens = -1;
    private int pieces;

    /** How one attempt on one replica ended. */
    private record Outcome(FinishReason reason, String error, boolean retriable) {
        static Outcome failed(String error, boolean retriable) {
            return new Outcome(FinishReason.ERROR, error, retriable);
        }
    }

    RemoteSequence(RemoteEngine engine, SequenceSpec spec, SequenceListener listener) {
        this.engine = engine;
        this.spec = spec;
        this.listener = listener;
        this.thinkPrefilled = spec.thinkPrefilled();
    }

    void run() {
        boolean permitted = false;
        try {
            try {
                engine.bulkhead.acquirePermission();
                permitted = true;
            } catch (BulkheadFullException e) {
                finish(
                        FinishReason.ERROR,
                        "model '" + engine.modelName + "': " + engine.options.maxInFlight()
                                + " sequences in flight and none finished within "
                                + engine.options.idleTimeout().toSeconds() + " s");
                return;
            } finally {
                engine.waiting.decrementAndGet();
            }
            synchronized (this) {
                if (finished || cancelled) {
                    return; // cancelled while waiting: the cancel reports it
                }
                started = true;
                engine.running.add(this);
                listener.onStart();
            }
            Set<Backend> tried = new HashSet<>();
            for (int attempt = 0; ; attempt++) {
                if (cancelled || engine.closed()) {
                    finish(FinishReason.CANCELLED, null);
                    return;
                }
                Backend b = engine.pick(tried);
                if (b == null) {
                    finish(
                            FinishReason.ERROR,
                            "UNAVAILABLE: no backend of model '" + engine.modelName + "' is available: "
                                    + engine.describeBackends());
                    return;
                }
                tried.add(b);
                Outcome o = attempt(b);
                if (o.retriable() && !receivedText && !cancelled && attempt < engine.options.retries()) {
                    Thread.sleep(25L * (attempt + 1)); // brief: the next try goes to another replica
                    continue;
                }
                finish(o.reason(), o.error());
                return;
            }
        } catch (InterruptedException e) {
            finish(FinishReason.CANCELLED, null);
        } catch (RuntimeException e) {
            finish(FinishReason.ERROR, "remote engine failed: " + e);
        } finally {
            if (permitted) {
                engine.bulkhead.onComplete();
            }
        }
    }

    private Outcome attempt(Backend b) throws InterruptedException {
        long start = System.nanoTime();
        lastActivityNanos = start;
        idleTimedOut = false;
        RemoteEngineOptions.Protocol protocol = engine.options.protocol();
        boolean chat = protocol == RemoteEngineOptions.Protocol.OPENAI_CHAT
                && !spec.chat().isEmpty();
        boolean openAi = protocol != RemoteEngineOptions.Protocol.LMI;
        String path = chat ? "/v1/chat/completions" : openAi ? "/v1/completions" : "/invocations";
        var request = engine.post(b.resolve(path), requestBody(openAi, chat))
                .header("Accept", openAi ? "text/event-stream" : "application/jsonlines")
                .build();
        CompletableFuture<HttpResponse<InputStream>> future =
                engine.client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        pending = future;
        HttpResponse<InputStream> response;
        try {
            if (cancelled) {
                future.cancel(true);
            }
            response = future.get(engine.options.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return failure(
                    b,
                    start,
                    "no response from " + b.base() + " within "
                            + engine.options.idleTimeout().toSeconds() + " s",
                    true);
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            if (cancelled) {
                b.breaker().releasePermission();
                return new Outcome(FinishReason.CANCELLED, null, false);
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return failure(b, start, "cannot reach " + b.base() + ": " + cause, true);
        }
        try (InputStream in = response.body()) {
            body = in;
            if (cancelled) {
                in.close();
            }
            int status = response.statusCode();
            if (status != 200) {
                String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                String error = b.base() + " answered HTTP " + status + ": " + StreamPiece.abbreviate(text.strip());
                if (status == 429 || status >= 500) {
                    return failure(b, start, error, status == 429 || status == 502 || status == 503 || status == 504);
                }
                // A 4xx is about the request, not the replica: the circuit stays as it is.
                b.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return Outcome.failed(error, false);
            }
            Outcome o = stream(in, openAi);
            if (o.reason() == FinishReason.ERROR) {
                return failure(b, start, o.error(), o.retriable());
            }
            if (o.reason() == FinishReason.CANCELLED) {
                b.breaker().releasePermission();
            } else {
                b.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            return o;
        } catch (IOException e) {
            if (cancelled) {
                b.breaker().releasePermission();
                return new Outcome(FinishReason.CANCELLED, null, false);
            }
            String why = idleTimedOut
                    ? "backend " + b.base() + " stalled: nothing for "
                            + engine.options.idleTimeout().toMillis() + " ms"
                    : "stream from " + b.base() + " broke: " + e;
            return failure(b, start, why, true);
        } finally {
            body = null;
        }
    }

    private Outcome failure(Backend b, long start, String error, boolean retriable) {
        b.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, new IOException(error));
        return Outcome.failed(error, retriable);
    }

    /** Reads the stream to its end; IOExceptions (reset, stall, cancel) go to the caller. */
    private Outcome stream(InputStream in, boolean openAi) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        FinishReason finish = null;
        String line;
        while ((line = reader.readLine()) != null) {
            lastActivityNanos = System.nanoTime();
            Optional<StreamPiece> decoded;
            try {
                decoded = openAi ? StreamPiece.openAi(line) : StreamPiece.lmi(line);
            } catch (StreamPiece.BadStream e) {
                return Outcome.failed(e.getMessage(), false);
            }
            if (decoded.isEmpty()) {
                continue;
            }
            StreamPiece p = decoded.get();
            if (p.promptTokens() >= 0) {
                promptTokens = p.promptTokens();
            }
            if (p.completionTokens() >= 0) {
                completionTokens = p.completionTokens();
            }
            emit(p.reasoning(), p.text(), p.tokenIds(), p.logprobs());
            if (p.finish() != null) {
                finish = p.finish();
                if (finish == FinishReason.ERROR) {
                    return Outcome.failed("backend ended the sequence with an error", false);
                }
                if (!openAi) {
                    break; // LMI's last line
                }
            }
            if (p.done()) {
                if (finish == null && !openAi) {
                    finish = pieces >= spec.maxTokens() ? FinishReason.LENGTH : FinishReason.EOS;
                }
                break;
            }
        }
        if (cancelled) {
            return new Outcome(FinishReason.CANCELLED, null, false);
        }
        if (finish == null) {
            return Outcome.failed("stream ended before the sequence finished", true);
        }
        return new Outcome(finish, null, false);
    }

    /**
     * Passes text on; reasoning that the backend split off is put back between think tags so the server's
     * reasoning split sees what the model wrote.
     */
    private void emit(
            String reasoning, String text, int[] ids, java.util.List<dev.r1serve.server.engine.TokenLogprob> logprobs)
            throws IOException {
        if (reasoning.isEmpty() && text.isEmpty() && ids.length == 0 && logprobs.isEmpty()) {
            return;
        }
        receivedText = true;
        pieces++;
        StringBuilder out = new StringBuilder();
        if (!reasoning.isEmpty()) {
            if (!inReasoning) {
                out.append(thinkPrefilled ? "" : "<think>\n");
                inReasoning = true;
            }
            out.append(reasoning);
        }
        if (!text.isEmpty()) {
            if (inReasoning) {
                out.append("</think>\n\n");
                inReasoning = false;
            }
            out.append(text);
        }
        synchronized (this) {
            if (finished || cancelled) {
                throw new IOException("sequence already finished");
            }
            if (logprobs.isEmpty() || !spec.returnLogprobs()) { // LMI sends them unasked
                listener.onText(out.toString(), spec.returnTokenIds() ? ids : NO_IDS);
            } else {
                listener.onText(out.toString(), spec.returnTokenIds() ? ids : NO_IDS, logprobs);
            }
        }
    }

    private void finish(FinishReason reason, String error) {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            engine.running.remove(this);
            int completion = completionTokens >= 0 ? completionTokens : pieces;
            listener.onFinish(new SequenceResult(
                    reason, Math.max(promptTokens, 0), completion, reason == FinishReason.ERROR ? error : null));
        }
        closeStream();
    }

    void checkIdle(long now, long limitNanos) {
        if (body != null && now - lastActivityNanos > limitNanos) {
            idleTimedOut = true;
            closeStream();
        }
    }

    private void closeStream() {
        CompletableFuture<?> f = pending;
        if (f != null) {
            f.cancel(true);
        }
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we want; the reader sees the end either way
            }
        }
    }

    /**
     * Closes the HTTP stream (the backend aborts the request) and reports CANCELLED on a thread of its
     * own: the caller may hold a lock of the listener (a stream sender cancelling on overflow) that this
     * sequence's worker is waiting for while it holds this sequence's, so finishing inline could deadlock.
     */
    @Override
    public void cancel() {
        cancelled = true;
        closeStream();
        try {
            engine.finisher().execute(() -> finish(FinishReason.CANCELLED, null));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            finish(FinishReason.CANCELLED, null); // the engine is closing; nothing else runs
        }
    }

    private String requestBody(boolean openAi, boolean chat) {
        ObjectNode root = StreamPiece.JSON.createObjectNode();
        ObjectNode p = root;
        if (openAi) {
            root.put("model", engine.options.backendModel());
            if (chat) {
                ArrayNode messages = root.putArray("messages");
                spec.chat()
                        .forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
            } else if (spec.tokenPrompt()) {
                ArrayNode ids = root.putArray("prompt"); // vLLM and OpenAI take a prompt as a list of token ids
                for (int id : spec.promptTokenIds()) {
                    ids.add(id);
                }
            } else {
                root.put("prompt", spec.prompt());
            }
            if (spec.returnTokenIds()) {
                root.put("return_token_ids", true); // vLLM >= 0.10.2: choices carry token_ids (and prompt_token_ids)
            }
            if (spec.returnLogprobs()) {
                // The sampled token plus topLogprobs alternatives, tokens named token_id:N so ids come back exactly.
                root.put("logprobs", spec.topLogprobs()).put("return_tokens_as_token_ids", true);
            }
            root.put("max_tokens", spec.maxTokens()).put("n", 1).put("stream", true);
            root.putObject("stream_options").put("include_usage", true);
        } else {
            root.put("inputs", spec.prompt()).put("stream", true);
            p = root.putObject("parameters");
            p.put("max_new_tokens", spec.maxTokens())
                    .put("do_sample", spec.temperature() > 0)
                    .put("details", true);
        }
        if (openAi || spec.temperature() > 0) {
            p.put("temperature", spec.temperature());
        }
        p.put("top_p", spec.topP()).put("seed", spec.seed());
        if (spec.topK() > 0) {
            p.put("top_k", spec.topK());
        }
        if (spec.minP() > 0) {
            p.put("min_p", spec.minP());
        }
        // Only OpenAI-compatible backends take them (the engine refuses them for LMI).
        if (openAi && spec.frequencyPenalty() != 0) {
            p.put("frequency_penalty", spec.frequencyPenalty());
        }
        if (openAi && spec.presencePenalty() != 0) {
            p.put("presence_penalty", spec.presencePenalty());
        }
        if (!spec.stop().isEmpty()) {
            ArrayNode stops = p.putArray(openAi ? "stop" : "stop_sequences");
            spec.stop().forEach(stops::add);
        }
        return root.toString();
    }
}
