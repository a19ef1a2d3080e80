package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1serve.server.OpenAiHttp.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible HTTP front against real servers (stories260K and the scripted R1 models). */
class OpenAiFrontTest {

    private static int stories() {
        return TestServer.get().httpPort();
    }

    private static int scripted() {
        return ScriptedServer.get().httpPort();
    }

    @Test
    void listsModels() {
        Reply r = OpenAiHttp.get(stories(), "/v1/models");
        assertEquals(200, r.status());
        assertEquals("list", r.body().get("object").asText());
        assertEquals(TestServer.STORIES, r.body().get("data").get(0).get("id").asText());
        assertEquals(512, r.body().get("data").get(0).get("max_model_len").asInt());
    }

    @Test
    void completionWithSeedIsReproducibleAndNSamplesDiffer() {
        String body =
                "{\"model\":\"stories\",\"prompt\":\"\",\"max_tokens\":24,\"seed\":7,\"n\":3,\"temperature\":1.0}";
        Reply a = OpenAiHttp.post(stories(), "/v1/completions", body);
        Reply b = OpenAiHttp.post(stories(), "/v1/completions", body);
        assertEquals(200, a.status(), a.body().toString());
        JsonNode choices = a.body().get("choices");
        assertEquals(3, choices.size());
        assertEquals("text_completion", a.body().get("object").asText());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, choices.get(i).get("index").asInt());
            assertEquals(
                    choices.get(i).get("text"), b.body().get("choices").get(i).get("text"));
            assertEquals("length", choices.get(i).get("finish_reason").asText());
        }
        assertNotEquals(choices.get(0).get("text"), choices.get(1).get("text"));
        assertEquals(72, a.body().get("usage").get("completion_tokens").asInt());
    }

    @Test
    void stopStringCutsTheText() {
        String base = "{\"model\":\"stories\",\"prompt\":\"\",\"max_tokens\":40,\"seed\":11,\"temperature\":0";
        String full = OpenAiHttp.post(stories(), "/v1/completions", base + "}")
                .body()
                .get("choices")
                .get(0)
                .get("text")
                .asText();
        String stop = full.substring(20, 24);
        int at = full.indexOf(stop);
        JsonNode c = OpenAiHttp.post(
                        stories(), "/v1/completions", base + ",\"stop\":[" + OpenAiHttp.JSON.valueToTree(stop) + "]}")
                .body()
                .get("choices")
                .get(0);
        assertEquals(full.substring(0, at), c.get("text").asText());
        assertEquals("stop", c.get("finish_reason").asText());
        assertEquals(stop, c.get("stop_reason").asText());
    }

    @Test
    void streamingCompletionConcatenatesToTheWholeText() {
        String body = "{\"model\":\"stories\",\"prompt\":\"\",\"max_tokens\":30,\"seed\":3,\"n\":2,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        List<String> events = OpenAiHttp.stream(stories(), "/v1/completions", body);
        assertEquals("[DONE]", events.get(events.size() - 1));
        Map<Integer, StringBuilder> texts = new HashMap<>();
        Map<Integer, String> finish = new HashMap<>();
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = OpenAiHttp.parse(e);
            if (chunk.has("usage")) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode c = chunk.get("choices").get(0);
            texts.computeIfAbsent(c.get("index").asInt(), i -> new StringBuilder())
                    .append(c.get("text").asText());
            if (!c.get("finish_reason").isNull()) {
                finish.put(c.get("index").asInt(), c.get("finish_reason").asText());
            }
        }
        assertEquals(Map.of(0, "length", 1, "length"), finish);
        assertNotNull(usage);
        assertEquals(60, usage.get("completion_tokens").asInt());
        String whole = OpenAiHttp.post(
                        stories(), "/v1/completions", body.replace("\"stream\":true", "\"stream\":false"))
                .body()
                .get("choices")
                .get(0)
                .get("text")
                .asText();
        assertEquals(whole, texts.get(0).toString());
    }

    @Test
    void chatSeparatesReasoningFromContent() {
        String body = "{\"model\":\"r1-qwen2\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 6*7?\"}],"
                + "\"temperature\":0,\"max_tokens\":32}";
        Reply r = OpenAiHttp.post(scripted(), "/v1/chat/completions", body);
        assertEquals(200, r.status(), r.body().toString());
        JsonNode m = r.body().get("choices").get(0).get("message");
        assertEquals("chat.completion", r.body().get("object").asText());
        assertEquals("assistant", m.get("role").asText());
        assertEquals("Let me think", m.get("reasoning_content").asText());
        assertEquals("The answer is 42", m.get("content").asText());
        assertEquals("stop", r.body().get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void streamingChatSplitsDeltas() {
        String body = "{\"model\":\"r1-llama\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"What is 6*7?\"}]}],\"temperature\":0,\"max_tokens\":32,\"stream\":true}";
        List<String> events = OpenAiHttp.stream(scripted(), "/v1/chat/completions", body);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode d = OpenAiHttp.parse(e).get("choices").get(0).get("delta");
            reasoning.append(d.path("reasoning_content").asText(""));
            content.append(d.path("content").asText(""));
        }
        assertEquals("Let me think", reasoning.toString().strip());
        assertEquals("The answer is 42", content.toString().strip());
        assertFalse(content.toString().contains("think>"));
    }

    @Test
    void errorsHaveOpenAiShape() {
        Reply badTopP =
                OpenAiHttp.post(stories(), "/v1/completions", "{\"model\":\"stories\",\"prompt\":\"\",\"top_p\":1.5}");
        assertEquals(400, badTopP.status());
        JsonNode err = badTopP.body().get("error");
        assertEquals("invalid_request_error", err.get("type").asText());
        assertEquals("top_p", err.get("param").asText());
        assertTrue(err.get("message").asText().contains("(0, 1]"), err.toString());

        Reply unknown = OpenAiHttp.post(stories(), "/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}");
        assertEquals(404, unknown.status());
        assertEquals("model_not_found", unknown.body().get("error").get("code").asText());

        assertEquals(
                400, OpenAiHttp.post(stories(), "/v1/completions", "{not json").status());
        assertEquals(
                "stop",
                OpenAiHttp.post(stories(), "/v1/completions", "{\"model\":\"stories\",\"prompt\":\"\",\"stop\":3}")
                        .body()
                        .get("error")
                        .get("param")
                        .asText());
        assertEquals(
                "max_tokens",
                OpenAiHttp.post(
                                stories(),
                                "/v1/completions",
                                "{\"model\":\"stories\",\"prompt\":\"\",\"max_completion_tokens\":100000}")
                        .body()
                        .get("error")
                        .get("param")
                        .asText());
        assertEquals(
                "messages",
                OpenAiHttp.post(stories(), "/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[]}")
                        .body()
                        .get("error")
                        .get("param")
                        .asText());
        assertEquals(404, OpenAiHttp.get(stories(), "/v2/nothing").status());
    }

    @Test
    void nUpToTheCapIsServedAndBeyondIs400() {
        // (429 with Retry-After is checked in RemoteEngineTest, against a model with a tiny queue.)
        Reply r = OpenAiHttp.post(
                scripted(),
                "/v1/completions",
                "{\"model\":\"r1-qwen2\",\"prompt\":\"x\",\"n\":64,\"max_tokens\":1,\"priority\":0}");
        assertEquals(200, r.status(), r.body().toString());
        Reply tooMany = OpenAiHttp.post(
                scripted(), "/v1/completions", "{\"model\":\"r1-qwen2\",\"prompt\":\"x\",\"n\":65,\"max_tokens\":1}");
        assertEquals(400, tooMany.status());
        assertEquals("n", tooMany.body().get("error").get("param").asText());
    }

    @Test
    void rateLimitsApplyToTheHttpFrontWith429AndRetryAfter() throws Exception {
        try (R1Server limited = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        dev.r1serve.server.model.ModelLoader.loadAll(
                                List.of(dev.r1serve.server.config.ModelConfig.llamaCpp(
                                        "tiny",
                                        dev.r1serve.server.model.BuiltinModels.STORIES_260K,
                                        null,
                                        null,
                                        1,
                                        1))),
                        64,
                        ServerOptions.DEFAULTS
                                .withHttpPort(0)
                                .withRateLimit(new dev.r1serve.server.security.RateLimitSettings(1, null)))
                .start()) {
            String body = "{\"model\":\"tiny\",\"prompt\":\"\",\"max_tokens\":2}";
            assertEquals(
                    200,
                    OpenAiHttp.post(limited.httpPort(), "/v1/completions", body).status());
            Reply refused = OpenAiHttp.post(limited.httpPort(), "/v1/completions", body);
            assertEquals(429, refused.status(), refused.body().toString());
            assertEquals(
                    "rate_limit_exceeded",
                    refused.body().get("error").get("type").asText());
            assertNotNull(refused.retryAfter());
        }
    }

    @Test
    void tokenizeAndHealthForRemoteEngines() {
        Reply t = OpenAiHttp.post(stories(), "/tokenize", "{\"model\":\"stories\",\"prompt\":\"Once upon a time\"}");
        assertEquals(200, t.status());
        assertEquals(t.body().get("tokens").size(), t.body().get("count").asInt());
        assertTrue(t.body().get("count").asInt() > 1);
        assertEquals(200, OpenAiHttp.get(stories(), "/health").status());
    }
}
