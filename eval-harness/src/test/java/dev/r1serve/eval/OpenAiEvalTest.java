package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.r1serve.eval.distill.DistillRunner;
import dev.r1serve.eval.distill.DistillSpec;
import dev.r1serve.eval.sampling.OpenAiEndpoint;
import dev.r1serve.eval.sampling.OpenAiSampler;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --openai-url}: the eval and distill sample r1-serve's own OpenAI-compatible HTTP front on loopback (the
 * scripted R1 model), one request per sample with its own seed; servers that do not answer OpenAI's shapes are
 * refused naming the URL.
 */
class OpenAiEvalTest {

    @TempDir
    Path tmp;

    private EvalSpec custom(Path out, OpenAiEndpoint.Mode mode) throws Exception {
        return EvalEndToEndTest.customSpec(EvalEndToEndTest.customData(tmp), out)
                .withOpenAi(OpenAiEndpoint.of(EvalServers.openAiUrl(), mode, null));
    }

    @Test
    void chatModeScoresLikeGrpcWithReasoningFromReasoningContentAndOneSeedPerSample() throws Exception {
        Path out = tmp.resolve("chat");
        EvalResult r = EvalRunner.run(custom(out, OpenAiEndpoint.Mode.CHAT));
        assertEquals(20, r.summary().samples());
        assertEquals(0.6, r.summary().pass1().mean(), 1e-12); // the same golds match as over gRPC
        assertEquals("openai-chat:" + EvalServers.openAiUrl(), r.manifest().server());
        assertEquals("openai-chat", r.manifest().modelTemplate());
        List<SampleRecord> recs = SampleStore.read(out.resolve("samples.jsonl"));
        for (SampleRecord s : recs) {
            assertEquals("Let me think", s.reasoning());
            assertTrue(s.answer().contains("\\boxed{42}"), s.answer());
            long requestSeed = dev.r1serve.eval.sampling.SamplingRun.requestSeed(7, s.questionId(), -1);
            assertEquals(OpenAiSampler.sampleSeed(requestSeed, s.sample()), s.seed());
            assertTrue(s.completionTokens() > 0);
        }
        assertEquals(20, recs.stream().map(SampleRecord::seed).distinct().count(), "every sample its own seed");
    }

    @Test
    void completionsModeSplitsTheThinkTagsAndAResumedRunAsksOnlyForTheMissingSamples() throws Exception {
        // Completions send the prompt as raw text, so the prompt carries the R1 template's own turn markers.
        Path data = tmp.resolve("ifeval.jsonl");
        Files.writeString(
                data,
                String.join(
                                "\n",
                                "{\"key\": 1, \"prompt\": \"<｜User｜>Name three cities without commas.<｜Assistant｜>\", \"instruction_id_list\": [\"punctuation:no_comma\"], \"kwargs\": [{}]}",
                                "{\"key\": 2, \"prompt\": \"<｜User｜>Name three cities in 2 words.<｜Assistant｜>\", \"instruction_id_list\": [\"length_constraints:number_words\"], \"kwargs\": [{\"num_words\": 3, \"relation\": \"less than\"}]}",
                                "{\"key\": 3, \"prompt\": \"<｜User｜>Name cities, in capitals.<｜Assistant｜>\", \"instruction_id_list\": [\"change_case:english_capital\"], \"kwargs\": [{}]}")
                        + "\n");
        Path out = tmp.resolve("completions");
        EvalSpec spec = EvalSpec.of("ifeval", EvalServers.target(), out)
                .withData(data)
                .withModel(EvalServers.IFEVAL)
                .withK(3)
                .withMaxTokens(64)
                .withSeed(3)
                .withProgress(null)
                .withOpenAi(OpenAiEndpoint.of(EvalServers.openAiUrl(), OpenAiEndpoint.Mode.COMPLETIONS, null));
        EvalResult r = EvalRunner.run(spec);
        assertFalse(r.manifest().chat(), "completions send the raw prompt");
        assertEquals(9, r.summary().samples());
        assertEquals(1.0 / 3, r.summary().ifEval().promptStrict().mean(), 1e-12); // only the no-comma prompt passes
        List<SampleRecord> all = SampleStore.read(out.resolve("samples.jsonl"));
        assertTrue(
                all.stream()
                        .allMatch(s -> s.reasoning().equals("Hmm, commas, here")
                                && s.answer().equals("*Kyoto* and *Nara* plus *Osaka*")),
                all.get(0).toString());

        // drop 4 samples as a crash would; the resumed run regenerates exactly those, identically
        List<String> lines = Files.readAllLines(out.resolve("samples.jsonl"));
        Files.write(out.resolve("samples.jsonl"), lines.subList(0, lines.size() - 4));
        EvalResult resumed = EvalRunner.run(spec.withResume(true));
        assertEquals(4, resumed.newSamples());
        Map<String, Long> before =
                all.stream().collect(Collectors.toMap(s -> s.questionId() + "#" + s.sample(), SampleRecord::seed));
        Map<String, Long> after = SampleStore.read(out.resolve("samples.jsonl")).stream()
                .collect(Collectors.toMap(s -> s.questionId() + "#" + s.sample(), SampleRecord::seed));
        assertEquals(before, after);
    }

    @Test
    void distillSamplesTheOpenAiFrontToo() throws Exception {
        Path data = tmp.resolve("p.jsonl");
        Files.writeString(
                data,
                "{\"id\": \"a\", \"prompt\": \"6 times 7?\", \"answer\": \"42\"}\n"
                        + "{\"id\": \"b\", \"prompt\": \"6 times 8?\", \"answer\": \"48\"}\n");
        var res = DistillRunner.run(DistillSpec.builder(EvalServers.target(), tmp.resolve("sft"))
                .data(data)
                .model(EvalServers.R1)
                .k(2)
                .maxTokens(64)
                .progress(null)
                .openai(OpenAiEndpoint.of(EvalServers.openAiUrl(), OpenAiEndpoint.Mode.CHAT, null))
                .build());
        assertEquals(4, res.summary().samples());
        // prompt a's two responses are correct and the same text (one kept, one duplicate); b's are incorrect
        assertEquals(1, res.summary().kept(), res.summary().table());
        assertEquals(
                2,
                res.summary().rejectedByReason().get("incorrect"),
                res.summary().table());
    }

    @Test
    void unknownModelListsWhatTheServerServes() throws Exception {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> EvalRunner.run(
                        custom(tmp.resolve("x"), OpenAiEndpoint.Mode.CHAT).withModel("gpt-none")));
        assertTrue(
                e.getMessage().contains("model \"gpt-none\" is not served by " + EvalServers.openAiUrl()),
                e.getMessage());
        assertTrue(e.getMessage().contains(EvalServers.R1), e.getMessage());
    }

    /** A tiny HTTP server that answers {@code /v1/models} properly and {@code /v1/chat/completions} with {@code junk}. */
    private static HttpServer junkServer(String models, String junk, Map<String, String> seenAuth) throws Exception {
        HttpServer h = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        h.createContext("/v1/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) seenAuth.put(ex.getRequestURI().getPath(), auth);
            byte[] body =
                    (ex.getRequestURI().getPath().endsWith("/models") ? models : junk).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        h.start();
        return h;
    }

    private Exception runAgainst(HttpServer h, String key) throws Exception {
        String url = "http://127.0.0.1:" + h.getAddress().getPort() + "/v1";
        EvalSpec spec = custom(tmp.resolve("junk" + System.nanoTime()), OpenAiEndpoint.Mode.CHAT)
                .withOpenAi(OpenAiEndpoint.of(url, OpenAiEndpoint.Mode.CHAT, key))
                .withModel("m");
        return assertThrows(RuntimeException.class, () -> EvalRunner.run(spec));
    }

    @Test
    void aServerThatAnswersJunkIsRefusedNamingTheUrl() throws Exception {
        Map<String, String> auth = new ConcurrentHashMap<>();
        HttpServer h = junkServer("{\"data\": [{\"id\": \"m\"}]}", "<html>not an API</html>", auth);
        try {
            Exception e = runAgainst(h, "sk-test");
            String url = "http://127.0.0.1:" + h.getAddress().getPort() + "/v1/chat/completions";
            assertTrue(
                    e.getMessage()
                            .contains(
                                    url + " did not answer as an OpenAI-compatible server: expected JSON, got: <html>"),
                    e.getMessage());
            assertEquals("Bearer sk-test", auth.get("/v1/chat/completions"), "the API key goes as a bearer token");
        } finally {
            h.stop(0);
        }
    }

    @Test
    void aCompletionWithoutChoicesOrAModelListWithoutDataIsRefused() throws Exception {
        HttpServer h = junkServer(
                "{\"data\": [{\"id\": \"m\"}]}",
                "{\"id\": \"x\", \"object\": \"chat.completion\"}",
                new ConcurrentHashMap<>());
        try {
            Exception e = runAgainst(h, null);
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "/v1/chat/completions did not answer as an OpenAI-compatible server: expected a completion:"
                                            + " missing non-empty array \"choices\""),
                    e.getMessage());
        } finally {
            h.stop(0);
        }
        HttpServer m = junkServer("[1, 2]", "{}", new ConcurrentHashMap<>());
        try {
            Exception e = runAgainst(m, null);
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "/v1/models did not answer as an OpenAI-compatible server: expected a JSON object, got: [1, 2]"),
                    e.getMessage());
        } finally {
            m.stop(0);
        }
    }

    @Test
    void anAbsentServerFailsAtOnceNamingTheUrl() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String url = "http://127.0.0.1:" + port + "/v1";
        EvalSpec spec = custom(tmp.resolve("absent"), OpenAiEndpoint.Mode.CHAT)
                .withOpenAi(OpenAiEndpoint.of(url, OpenAiEndpoint.Mode.CHAT, null));
        var e = assertThrows(IllegalStateException.class, () -> EvalRunner.run(spec));
        assertTrue(e.getMessage().startsWith("GET " + url + "/models: no answer after 3 attempt(s)"), e.getMessage());
    }

    @Test
    void aBadUrlOrModeIsRefusedNamingTheOption() {
        var url = assertThrows(
                IllegalArgumentException.class,
                () -> OpenAiEndpoint.of("localhost:8000", OpenAiEndpoint.Mode.CHAT, null));
        assertTrue(url.getMessage().startsWith("--openai-url: must be an http:// or https:// URL"), url.getMessage());
        var mode = assertThrows(IllegalArgumentException.class, () -> OpenAiEndpoint.Mode.parse("embeddings"));
        assertTrue(mode.getMessage().startsWith("--openai-mode: must be chat or completions"), mode.getMessage());
    }
}
