package dev.r1serve.server.engine.remote;

import static dev.r1serve.server.engine.remote.ScriptedBackend.sse;
import static dev.r1serve.server.engine.remote.ScriptedBackend.stream;
import static dev.r1serve.server.engine.remote.ScriptedBackend.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.engine.remote.RemoteEngineOptions.Protocol;
import dev.r1serve.server.generation.StopAndLength;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The remote engine against scripted HTTP backends: protocols, broken streams, stalls, cancellation. */
class RemoteEngineScriptedTest {

    private static SequenceSpec spec(List<String> stop) {
        return SequenceSpec.builder("Once")
                .temperature(0.7f)
                .topP(0.9f)
                .topK(40)
                .minP(0.05f)
                .seed(1234)
                .maxTokens(16)
                .stop(stop)
                .build();
    }

    private static RemoteEngine engine(Protocol protocol, URI url) {
        return new RemoteEngine(
                "m",
                RemoteEngineOptions.of(protocol, List.of(url), "backend-m")
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(600))
                        .withRetries(0)
                        .withHealth("/health", Duration.ofMillis(200)));
    }

    /** Runs a sequence as the server does: stop strings and LENGTH are handled above the engine. */
    private static SequenceResult run(RemoteEngine e, SequenceSpec spec, RecordingListener l) throws Exception {
        StopAndLength decorated = new StopAndLength(l, spec.stop(), spec.maxTokens(), e.contextLength());
        decorated.attach(e.submit(spec, decorated));
        return l.await();
    }

    @Test
    void chatModeSendsTheTurnsToChatCompletionsAndRawPromptsToCompletions() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend()
                        .on("/v1/chat/completions", (ex, body) -> {
                            OutputStream out = stream(ex, "text/event-stream");
                            write(
                                    out,
                                    "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n");
                            write(
                                    out,
                                    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"42\"},\"finish_reason\":\"stop\"}]}\n\n");
                            write(out, "data: [DONE]\n\n");
                        })
                        .on("/v1/completions", (ex, body) -> {
                            OutputStream out = stream(ex, "text/event-stream");
                            write(out, sse("raw", "stop") + "data: [DONE]\n\n");
                        });
                RemoteEngine e = engine(Protocol.OPENAI_CHAT, b.uri())) {
            List<dev.r1serve.server.chat.ChatMessage> turns = List.of(
                    new dev.r1serve.server.chat.ChatMessage("system", "Be brief."),
                    new dev.r1serve.server.chat.ChatMessage("user", "6 times 7?"));
            RecordingListener chat = new RecordingListener();
            run(
                    e,
                    SequenceSpec.builder("<｜User｜>6 times 7?<｜Assistant｜>")
                            .seed(7)
                            .maxTokens(16)
                            .chat(turns)
                            .build(),
                    chat);
            JsonNode req = StreamPiece.JSON.readTree(b.bodies.get(0));
            assertEquals(2, req.get("messages").size());
            assertEquals("user", req.get("messages").get(1).get("role").asText());
            assertEquals("6 times 7?", req.get("messages").get(1).get("content").asText());
            assertTrue(!req.has("prompt"), "chat requests carry messages, not a rendered prompt");
            assertTrue(
                    chat.text.toString().contains("hmm") && chat.text.toString().endsWith("42"), chat.text.toString());

            RecordingListener raw = new RecordingListener();
            run(e, spec(List.of()), raw);
            assertEquals("raw", raw.text.toString());
            assertEquals(
                    "Once",
                    StreamPiece.JSON.readTree(b.bodies.get(1)).get("prompt").asText());
        }
    }

    @Test
    void openAiStreamMapsParametersTextAndUsage() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend().on("/v1/completions", (ex, body) -> {
                    OutputStream out = stream(ex, "text/event-stream");
                    write(out, ": keep-alive comment\n\n" + sse("Hello", null) + sse(", world", null));
                    write(
                            out,
                            "data: {\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"stop\",\"stop_reason\":null}]}\n\n");
                    write(
                            out,
                            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n");
                });
                RemoteEngine e = engine(Protocol.OPENAI, b.uri())) {
            RecordingListener l = new RecordingListener();
            SequenceResult r = run(e, spec(List.of()), l);
            assertEquals(new SequenceResult(FinishReason.EOS, 3, 4, null), r);
            assertEquals("Hello, world", l.text.toString());
            JsonNode req = StreamPiece.JSON.readTree(b.bodies.get(0));
            assertEquals("backend-m", req.get("model").asText());
            assertEquals("Once", req.get("prompt").asText());
            assertEquals(1, req.get("n").asInt());
            assertEquals(1234, req.get("seed").asLong());
            assertEquals(16, req.get("max_tokens").asInt());
            assertEquals(40, req.get("top_k").asInt());
            assertEquals(0.05, req.get("min_p").asDouble(), 1e-6);
            assertTrue(req.get("stream").asBoolean());
        }
    }

    @Test
    void http2PreferenceFallsBackToHttp11() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend()
                        .on(
                                "/v1/completions",
                                (ex, body) -> write(
                                        stream(ex, "text/event-stream"), sse("h2?", "length") + "data: [DONE]\n\n"));
                RemoteEngine e = new RemoteEngine(
                        "m",
                        RemoteEngineOptions.of(Protocol.OPENAI, List.of(b.uri()), "m")
                                .withHttp2(true))) {
            RecordingListener l = new RecordingListener();
            assertEquals(FinishReason.LENGTH, run(e, spec(List.of()), l).reason());
            assertEquals("h2?", l.text.toString());
        }
    }

    @Test
    void localStopFilterEndsTheStreamAndReasoningFieldsAreTagged() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend().on("/v1/completions", (ex, body) -> {
                    OutputStream out = stream(ex, "text/event-stream");
                    write(out, "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n");
                    write(out, "data: {\"choices\":[{\"delta\":{\"content\":\"It is 42. END more\"}}]}\n\n");
                    Thread.sleep(5000); // a backend that ignores stop strings; the engine must not wait for it
                });
                RemoteEngine e = engine(Protocol.OPENAI, b.uri())) {
            RecordingListener l = new RecordingListener();
            long t0 = System.nanoTime();
            SequenceResult r = run(e, spec(List.of(" END")), l);
            assertEquals(FinishReason.STOP, r.reason());
            assertEquals("<think>\nhmm</think>\n\nIt is 42.", l.text.toString());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
        }
    }

    /** LMI's stream carries each token's id and log_prob: ids always, logprobs once the config names their distribution. */
    @Test
    void lmiTokenIdsAndLogprobsFromItsDetails() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend().on("/invocations", (ex, body) -> {
                    OutputStream out = stream(ex, "application/jsonlines");
                    write(out, "{\"token\":{\"id\":5,\"text\":\"Once\",\"log_prob\":-0.1}}\n");
                    write(
                            out,
                            "{\"token\":{\"id\":6,\"text\":\" upon\",\"log_prob\":-0.25},\"generated_text\":\"Once upon\","
                                    + "\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":2}}\n");
                });
                RemoteEngine plain = engine(Protocol.LMI, b.uri());
                RemoteEngine named = new RemoteEngine(
                        "m",
                        RemoteEngineOptions.of(Protocol.LMI, List.of(b.uri()), "backend-m")
                                .withRetries(0)
                                .withLogprobsMode("processed_logprobs"))) {
            assertTrue(plain.capabilities().tokenIds());
            assertFalse(plain.capabilities().logprobs());
            assertTrue(plain.capabilities().logprobsUnavailableReason().contains("logprobsMode"));
            assertEquals("processed_logprobs", named.capabilities().logprobsMode());
            RecordingListener l = new RecordingListener();
            SequenceSpec asked = SequenceSpec.builder("Once")
                    .seed(1)
                    .maxTokens(2)
                    .returnTokenIds(true)
                    .returnLogprobs(true)
                    .build();
            assertEquals(FinishReason.LENGTH, run(named, asked, l).reason());
            assertEquals(List.of(5, 6), l.ids);
            assertEquals(
                    List.of(-0.1f, -0.25f),
                    l.logprobs.stream()
                            .map(dev.r1serve.server.engine.TokenLogprob::logprob)
                            .toList());
            assertEquals(
                    List.of(5, 6),
                    l.logprobs.stream()
                            .map(dev.r1serve.server.engine.TokenLogprob::tokenId)
                            .toList());
            RecordingListener unasked = new RecordingListener();
            run(named, SequenceSpec.builder("Once").seed(1).maxTokens(2).build(), unasked);
            assertTrue(unasked.ids.isEmpty() && unasked.logprobs.isEmpty(), "nothing the caller did not ask for");
        }
    }

    @Test
    void lmiInvocationsJsonLines() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend().on("/invocations", (ex, body) -> {
                    OutputStream out = stream(ex, "application/jsonlines");
                    write(out, "{\"token\":{\"id\":5,\"text\":\"Once\",\"log_prob\":-0.1}}\n");
                    write(out, "{\"token\":{\"id\":6,\"text\":\" upon\",\"log_prob\":-0.2}}\n");
                    write(
                            out,
                            "{\"token\":{\"id\":7,\"text\":\" a\",\"log_prob\":-0.3},\"generated_text\":\"Once upon a\","
                                    + "\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":3}}\n");
                });
                RemoteEngine e = engine(Protocol.LMI, b.uri())) {
            assertEquals(0, e.tokenize("no /tokenize on LMI").length);
            RecordingListener l = new RecordingListener();
            SequenceResult r = run(e, spec(List.of("zzz")), l);
            assertEquals(FinishReason.LENGTH, r.reason());
            assertEquals(3, r.completionTokens());
            assertEquals("Once upon a", l.text.toString());
            JsonNode req = StreamPiece.JSON.readTree(b.bodies.get(0));
            assertEquals("Once", req.get("inputs").asText());
            JsonNode p = req.get("parameters");
            assertEquals(16, p.get("max_new_tokens").asInt());
            assertEquals(1234, p.get("seed").asLong());
            assertTrue(p.get("do_sample").asBoolean());
            assertEquals("zzz", p.get("stop_sequences").get(0).asText());

            // LMI's parameters have no OpenAI penalties: a request with one is refused, never sent without it.
            assertFalse(e.capabilities().penalties());
            var models = new dev.r1serve.server.model.ModelRegistry();
            models.add(new dev.r1serve.server.model.HostedModel(
                    "lmi",
                    "lmi",
                    e,
                    dev.r1serve.server.chat.ChatTemplate.NONE,
                    16,
                    new dev.r1serve.server.scheduling.Scheduler(
                            e, dev.r1serve.server.scheduling.SchedulerConfig.defaults())));
            var refused = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.r1serve.server.error.ServerException.InvalidField.class,
                    () -> new dev.r1serve.server.validation.RequestValidator(models, 64)
                            .validate(dev.r1serve.proto.v1.GenerateRequest.newBuilder()
                                    .setModel("lmi")
                                    .setPrompt("x")
                                    .setSampling(dev.r1serve.proto.v1.SamplingParams.newBuilder()
                                            .setFrequencyPenalty(1))
                                    .build()));
            assertEquals(
                    "sampling.frequency_penalty: the lmi engine of model 'lmi' does not apply penalties",
                    refused.getMessage());
        }
    }

    @Test
    void malformedAndPartialJsonAndEarlyEndAreErrors() throws Exception {
        for (String broken : List.of(
                sse("ok", null) + "data: {not json}\n\n",
                sse("ok", null) + "data: {\"choices\":[{\"text\":\"Hel", // cut mid-object
                sse("ok", null), // no finish, no [DONE]
                "data: {\"error\":{\"message\":\"CUDA out of memory\"}}\n\n")) {
            try (ScriptedBackend b = new ScriptedBackend()
                            .on("/v1/completions", (ex, body) -> write(stream(ex, "text/event-stream"), broken));
                    RemoteEngine e = engine(Protocol.OPENAI, b.uri())) {
                SequenceResult r = run(e, spec(List.of()), new RecordingListener());
                assertEquals(FinishReason.ERROR, r.reason(), broken);
                assertFalse(r.error().isBlank());
                if (broken.contains("CUDA")) {
                    assertTrue(r.error().contains("CUDA out of memory"), r.error());
                }
                assertEquals(0, e.busySlots());
            }
        }
    }

    @Test
    void slowTrickleWithinTheIdleTimeoutIsFineAStallIsAnError() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend().on("/v1/completions", (ex, body) -> {
                    OutputStream out = stream(ex, "text/event-stream");
                    boolean stall = body.contains("stall");
                    for (int i = 0; i < 4; i++) {
                        Thread.sleep(stall && i == 2 ? 3000 : 150);
                        write(out, sse("t" + i, null));
                    }
                    write(out, sse("", "length") + "data: [DONE]\n\n");
                });
                RemoteEngine e = engine(Protocol.OPENAI, b.uri())) {
            RecordingListener ok = new RecordingListener();
            assertEquals(
                    FinishReason.LENGTH,
                    run(
                                    e,
                                    SequenceSpec.builder("trickle")
                                            .temperature(0)
                                            .topP(1)
                                            .seed(1)
                                            .maxTokens(4)
                                            .build(),
                                    ok)
                            .reason());
            assertEquals("t0t1t2t3", ok.text.toString());
            RecordingListener stalled = new RecordingListener();
            long t0 = System.nanoTime();
            SequenceResult r = run(
                    e,
                    SequenceSpec.builder("stall")
                            .temperature(0)
                            .topP(1)
                            .seed(1)
                            .maxTokens(4)
                            .build(),
                    stalled);
            assertEquals(FinishReason.ERROR, r.reason());
            assertTrue(r.error().contains("stalled"), r.error());
            assertEquals("t0t1", stalled.text.toString());
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2500));
        }
    }

    @Test
    void connectionResetMidStreamIsAnErrorAndBeforeTheFirstTokenIsRetried() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!raw.isClosed()) {
                    try (Socket s = raw.accept()) {
                        s.getInputStream().read(new byte[65536]);
                        String chunk = sse("partial", null);
                        String head =
                                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        + Integer.toHexString(chunk.getBytes(StandardCharsets.UTF_8).length) + "\r\n"
                                        + chunk + "\r\n";
                        s.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
                        s.getOutputStream().flush();
                        Thread.sleep(100);
                        s.setSoLinger(true, 0); // RST instead of FIN
                    } catch (Exception ignored) {
                        // next connection
                    }
                }
            });
            URI url = URI.create("http://127.0.0.1:" + raw.getLocalPort());
            // Retries allowed, but text already went out: the failure is final, nothing is repeated.
            try (RemoteEngine e = new RemoteEngine(
                    "m",
                    RemoteEngineOptions.of(Protocol.OPENAI, List.of(url), "m").withRetries(2))) {
                RecordingListener l = new RecordingListener();
                SequenceResult r = run(e, spec(List.of()), l);
                assertEquals(FinishReason.ERROR, r.reason());
                assertEquals("partial", l.text.toString());
                assertEquals(0, e.busySlots());
            }
        }
        // A replica that fails before the first token: the retry goes to the healthy one.
        try (ScriptedBackend bad =
                        new ScriptedBackend().on("/v1/completions", (ex, body) -> ex.sendResponseHeaders(503, -1));
                ScriptedBackend good = new ScriptedBackend()
                        .on(
                                "/v1/completions",
                                (ex, body) -> write(
                                        stream(ex, "text/event-stream"), sse("fine", "length") + "data: [DONE]\n\n"));
                RemoteEngine e = new RemoteEngine(
                        "m",
                        RemoteEngineOptions.of(Protocol.OPENAI, List.of(bad.uri(), good.uri()), "m")
                                .withRetries(1)
                                .withBreaker(new RemoteEngineOptions.Breaker(4, 2, 50, Duration.ofSeconds(30))))) {
            for (int i = 0; i < 8; i++) {
                RecordingListener l = new RecordingListener();
                assertEquals(FinishReason.LENGTH, run(e, spec(List.of()), l).reason());
                assertEquals("fine", l.text.toString());
            }
            assertEquals(8, good.requests.get());
            // Two failures opened the bad replica's circuit: it was ejected and got nothing more.
            assertEquals(2, bad.requests.get());
            assertEquals("OPEN", e.circuitState(0));
            assertTrue(e.isHealthy());
        }
    }

    @Test
    void cancelClosesTheBackendStreamAndFreesTheSlot() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend().on("/v1/completions", (ex, body) -> {
                    OutputStream out = stream(ex, "text/event-stream");
                    for (int i = 0; i < 400; i++) {
                        write(out, sse("x", null));
                        Thread.sleep(25);
                    }
                });
                RemoteEngine e = engine(Protocol.OPENAI, b.uri())) {
            RecordingListener l = new RecordingListener();
            SequenceHandle h = e.submit(spec(List.of()), l);
            assertTrue(l.firstText.await(5, TimeUnit.SECONDS));
            assertEquals(1, e.busySlots());
            h.cancel();
            assertEquals(FinishReason.CANCELLED, l.await().reason());
            assertEquals(0, e.busySlots());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (b.clientGone.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, b.clientGone.get(), "the backend saw its client go away");
            Thread.sleep(100);
            assertFalse(l.textAfterFinish);
        }
    }

    @Test
    void closeLeavesNoThreads() throws Exception {
        Set<String> before = threadNames();
        try (ScriptedBackend b = new ScriptedBackend()
                .on(
                        "/v1/completions",
                        (ex, body) ->
                                write(stream(ex, "text/event-stream"), sse("a", "length") + "data: [DONE]\n\n"))) {
            RemoteEngine e = engine(Protocol.OPENAI, b.uri());
            for (int i = 0; i < 3; i++) {
                run(e, spec(List.of()), new RecordingListener());
            }
            e.close();
            SequenceResult closed = run(e, spec(List.of()), new RecordingListener());
            assertEquals(FinishReason.ERROR, closed.reason());
            assertFalse(e.isHealthy());
        }
        Thread.sleep(200);
        Set<String> leaked = threadNames();
        leaked.removeAll(before);
        leaked.removeIf(n -> !(n.contains("r1-remote") || n.contains("HttpClient")));
        assertEquals(Set.of(), leaked);
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
