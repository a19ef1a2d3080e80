package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1serve.server.OpenAiHttp.Reply;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.testkit.TinyModelGenerator;
import dev.r1serve.testkit.TinyModelGenerator.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a strict client or a hostile one sends the OpenAI front: parameters we do not implement (refused, never
 * ignored), unknown fields, half characters, broken bodies, and a model whose reasoning never closes.
 */
class OpenAiStrictnessTest {

    private static final String CHAT = "{\"model\":\"stories\",\"prompt\":\"\",\"max_tokens\":4,\"seed\":1";

    private static int stories() {
        return TestServer.get().httpPort();
    }

    private static Reply completion(String extra) {
        return OpenAiHttp.post(stories(), "/v1/completions", CHAT + extra + "}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"logit_bias\":{\"50\":100}",
                "\"best_of\":3",
                "\"echo\":true",
                "\"response_format\":{\"type\":\"json_object\"}",
                "\"suffix\":\"end\"",
                "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]"
            })
    void anUnimplementedParameterIsA400NamingItNotASilentNoOp(String parameter) {
        Reply r = completion("," + parameter);
        assertEquals(400, r.status(), r.body().toString());
        String name = parameter.substring(1, parameter.indexOf('"', 1));
        assertEquals(name, r.body().get("error").get("param").asText());
        assertTrue(
                r.body().get("error").get("message").asText().startsWith(name + ": not supported"),
                r.body().toString());
    }

    @Test
    void unimplementedParametersWithTheirNeutralValueChangeNothing() {
        String neutral = ",\"frequency_penalty\":0,\"presence_penalty\":0.0,\"logit_bias\":{},\"best_of\":1,"
                + "\"echo\":false,\"response_format\":{\"type\":\"text\"},\"tools\":[],\"suffix\":null";
        Reply with = completion(neutral);
        assertEquals(200, with.status(), with.body().toString());
        assertEquals(
                completion("").body().get("choices").get(0).get("text"),
                with.body().get("choices").get(0).get("text"));
    }

    /** Penalties are implemented (llama.cpp's sampler): the same seed gives another text with them, never the same. */
    @Test
    void frequencyAndPresencePenaltiesChangeWhatTheSameSeedGenerates() {
        String body = "{\"model\":\"stories\",\"prompt\":\"\",\"max_tokens\":64,\"seed\":5,\"temperature\":1.0";
        java.util.function.Function<String, String> text = extra -> {
            Reply r = OpenAiHttp.post(stories(), "/v1/completions", body + extra + "}");
            assertEquals(200, r.status(), r.body().toString());
            return r.body().get("choices").get(0).get("text").asText();
        };
        String plain = text.apply("");
        assertEquals(plain, text.apply(",\"frequency_penalty\":0,\"presence_penalty\":0"), "0 is off");
        String frequency = text.apply(",\"frequency_penalty\":2");
        String presence = text.apply(",\"presence_penalty\":2");
        org.junit.jupiter.api.Assertions.assertNotEquals(plain, frequency);
        org.junit.jupiter.api.Assertions.assertNotEquals(plain, presence);
        assertEquals(frequency, text.apply(",\"frequency_penalty\":2"), "still reproducible");

        Reply tooHigh = completion(",\"presence_penalty\":2.5");
        assertEquals(400, tooHigh.status());
        assertEquals(
                "presence_penalty", tooHigh.body().get("error").get("param").asText());
        assertEquals(
                "sampling.presence_penalty: must be in [-2, 2], got 2.5",
                tooHigh.body().get("error").get("message").asText());
        assertEquals(
                "frequency_penalty",
                completion(",\"frequency_penalty\":\"high\"")
                        .body()
                        .get("error")
                        .get("param")
                        .asText());
    }

    @Test
    void anUnknownFieldIsA400NamingIt() {
        Reply r = completion(",\"temprature\":0.2");
        assertEquals(400, r.status());
        assertEquals("temprature", r.body().get("error").get("param").asText());
        assertEquals(
                "temprature: unknown parameter for /v1/completions",
                r.body().get("error").get("message").asText());
        // messages belong to chat only
        assertEquals(
                "messages",
                completion(",\"messages\":[]").body().get("error").get("param").asText());
    }

    @Test
    void aLoneSurrogateInAStringIsA400NamingTheField() {
        Reply r = OpenAiHttp.post(
                stories(),
                "/v1/chat/completions",
                "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\ud800b\"}]}");
        assertEquals(400, r.status(), r.body().toString());
        assertEquals("messages[0].content", r.body().get("error").get("param").asText());
        Reply prompt = completion(",\"stop\":[\"\\udc00\"]");
        assertEquals("stop[0]", prompt.body().get("error").get("param").asText());
        // A real pair (an emoji) is fine.
        assertEquals(200, completion(",\"stop\":[\"\\ud83d\\ude00\"]").status());
    }

    @Test
    void modelsRetrieveAnswersOneModelOr404() {
        Reply r = OpenAiHttp.get(stories(), "/v1/models/" + TestServer.STORIES);
        assertEquals(200, r.status());
        assertEquals(TestServer.STORIES, r.body().get("id").asText());
        assertEquals("model", r.body().get("object").asText());
        assertEquals(512, r.body().get("max_model_len").asInt());
        Reply missing = OpenAiHttp.get(stories(), "/v1/models/gpt-4");
        assertEquals(404, missing.status());
        assertEquals("model_not_found", missing.body().get("error").get("code").asText());
    }

    @Test
    void aMalformedChunkedBodyIsA400() throws IOException {
        String head = "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        String answer = raw(head + "zz\r\n{\"model\":\r\n0\r\n\r\n", false);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("could not be read"), answer);
    }

    /** The client is still sending when the front has decided: the rest is read and dropped, so it gets the 413. */
    @Test
    void aBodyOverTheLimitIsA413OnAConnectionThatStaysUsable() {
        String big = "{\"model\":\"stories\",\"prompt\":\"" + "x".repeat(8 << 20) + "\"}";
        for (int i = 0; i < 3; i++) {
            Reply r = OpenAiHttp.post(stories(), "/v1/completions", big);
            assertEquals(413, r.status(), r.body().toString());
            assertTrue(
                    r.body().get("error").get("message").asText().startsWith("request body over"),
                    r.body().toString());
        }
        assertEquals(200, completion("").status());
    }

    @Test
    void aDeclaredTerabyteIsA413AtOnceWithoutReadingIt() throws IOException {
        String head = "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000000000000\r\n\r\n";
        String answer = raw(head + "{\"model\":", false);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
    }

    @Test
    void aBodyShorterThanItsContentLengthIsA400() throws IOException {
        String head =
                "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n";
        String answer = raw(head + "{\"model\":\"stories\"", true); // the client stops sending
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
    }

    /**
     * Slow clients: the JDK server closes a connection whose request has not fully arrived within maxReqTime, a
     * JVM-wide setting that must be in place before the first HTTP server starts (cli's ServeProcessTest watches
     * it close slowloris connections). A server JVM gets the 30 s default unless the user chose a value.
     */
    @Test
    void theRequestTimeLimitIsInPlaceBeforeAnyHttpServerStarts() {
        TestServer.get();
        assertEquals(
                Integer.toString(dev.r1serve.server.openai.OpenAiHttpServer.DEFAULT_MAX_REQUEST_SECONDS),
                System.getProperty(dev.r1serve.server.openai.OpenAiHttpServer.MAX_REQUEST_TIME_PROPERTY));
    }

    /** Sends bytes as they are on a raw socket and reads the answer until the server closes or 10 s pass. */
    private static String raw(String request, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", stories())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            StringBuilder sb = new StringBuilder();
            // The answer's headers and its JSON body; the server may keep the connection open after it.
            while (!(sb.indexOf("\r\n\r\n") > 0 && sb.toString().endsWith("}"))) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return sb.toString();
        }
    }

    // --- a model whose reasoning never closes ---

    private static SharedServer unclosed;

    /** A scripted R1 model that writes "<think>\nI wonder" then EOS: reasoning that never closes. */
    private static synchronized int unclosedThink() {
        if (unclosed == null) {
            try {
                Path dir = Files.createTempDirectory("r1-unclosed");
                Path gguf = TinyModelGenerator.scripted(
                                Architecture.QWEN2, List.of("<think>", "\n", "I", " wonder"), "<｜Assistant｜>")
                        .write(dir.resolve("never-closes.gguf"));
                unclosed = SharedServer.start(ModelLoader.loadAll(
                        List.of(ModelConfig.llamaCpp("never-closes", gguf.toString(), "deepseek-r1", 128, 1, 1))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return unclosed.server().httpPort();
    }

    @Test
    void reasoningThatNeverClosesHasNoContentAndFinishReasonLengthWholeAndStreamed() {
        String body = "{\"model\":\"never-closes\",\"messages\":[{\"role\":\"user\",\"content\":\"Why?\"}],"
                + "\"temperature\":0,\"max_tokens\":32";
        Reply r = OpenAiHttp.post(unclosedThink(), "/v1/chat/completions", body + "}");
        assertEquals(200, r.status(), r.body().toString());
        JsonNode choice = r.body().get("choices").get(0);
        assertEquals("I wonder", choice.get("message").get("reasoning_content").asText());
        assertEquals("", choice.get("message").get("content").asText());
        assertEquals("length", choice.get("finish_reason").asText(), "ended by EOS inside <think>: incomplete");
        assertTrue(r.body().get("usage").get("completion_tokens").asInt() < 32, "EOS came before max_tokens");

        List<String> events = OpenAiHttp.stream(unclosedThink(), "/v1/chat/completions", body + ",\"stream\":true}");
        String finish = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode f = OpenAiHttp.parse(e).get("choices").get(0).get("finish_reason");
            if (!f.isNull()) {
                finish = f.asText();
            }
        }
        assertEquals("length", finish);
    }

    /** Completions' {@code logprobs: k} and chat's {@code logprobs} + {@code top_logprobs}, as vLLM writes them. */
    @org.junit.jupiter.api.Test
    void logprobsComeInTheShapeOfEachEndpoint() {
        Reply r = completion(",\"logprobs\":2,\"temperature\":0,\"return_token_ids\":true");
        assertEquals(200, r.status(), r.body().toString());
        JsonNode choice = r.body().get("choices").get(0);
        JsonNode lp = choice.get("logprobs");
        int n = choice.get("token_ids").size();
        assertEquals(r.body().get("usage").get("completion_tokens").asInt(), n);
        assertEquals(n, lp.get("tokens").size());
        assertEquals(n, lp.get("token_logprobs").size());
        assertEquals(n, lp.get("top_logprobs").size());
        StringBuilder spelled = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String token = lp.get("tokens").get(i).asText();
            spelled.append(token);
            JsonNode top = lp.get("top_logprobs").get(i);
            assertTrue(top.size() >= 1 && top.size() <= 2, lp.toString()); // two ids may read the same
            assertEquals(token, top.fieldNames().next(), "greedy takes the most likely");
            assertEquals(
                    top.get(token).asDouble(), lp.get("token_logprobs").get(i).asDouble(), 1e-6);
        }
        assertEquals("length", choice.get("finish_reason").asText());
        assertEquals(choice.get("text").asText(), spelled.toString(), "the tokens spell the text");
        assertEquals("raw_logprobs", choice.get("logprobs_mode").asText());

        Reply chat = OpenAiHttp.post(
                stories(),
                "/v1/chat/completions",
                "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"max_tokens\":4,\"seed\":1,\"logprobs\":true,\"top_logprobs\":3}");
        assertEquals(200, chat.status(), chat.body().toString());
        JsonNode content = chat.body().get("choices").get(0).get("logprobs").get("content");
        assertEquals(chat.body().get("usage").get("completion_tokens").asInt(), content.size());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (JsonNode e : content) {
            e.get("bytes").forEach(b -> bytes.write(b.asInt()));
            assertEquals(e.get("token").asText(), new String(toBytes(e.get("bytes")), StandardCharsets.UTF_8));
            assertTrue(e.get("logprob").asDouble() <= 0, e.toString());
            assertEquals(3, e.get("top_logprobs").size(), e.toString());
            for (JsonNode t : e.get("top_logprobs")) {
                assertTrue(t.get("bytes").isArray() && t.has("token") && t.has("logprob"), t.toString());
            }
        }
        JsonNode chatChoice = chat.body().get("choices").get(0);
        if (chatChoice.get("finish_reason").asText().equals("length")) {
            assertEquals(
                    chatChoice.get("message").get("content").asText(),
                    bytes.toString(StandardCharsets.UTF_8).strip(),
                    "the bytes spell the answer (whose leading space the chat split drops)");
        }

        Reply tooMany = completion(",\"logprobs\":21");
        assertEquals(400, tooMany.status(), tooMany.body().toString());
        assertEquals(
                "logprobs",
                tooMany.body().get("error").get("param").asText(),
                tooMany.body().toString());
        Reply chatTooMany = OpenAiHttp.post(
                stories(),
                "/v1/chat/completions",
                "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"logprobs\":true,\"top_logprobs\":21}");
        assertEquals(400, chatTooMany.status(), chatTooMany.body().toString());
        assertEquals(
                "top_logprobs", chatTooMany.body().get("error").get("param").asText());
    }

    private static byte[] toBytes(JsonNode array) {
        byte[] out = new byte[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) array.get(i).asInt();
        }
        return out;
    }

    @org.junit.jupiter.api.Test
    void thinkingTokenBudgetAndReturnTokenIdsAreTakenAsVllmNamesThem() {
        Reply r = completion(",\"thinking_token_budget\":2,\"return_token_ids\":true");
        assertEquals(200, r.status(), r.body().toString());
        var choice = r.body().get("choices").get(0);
        assertTrue(
                choice.get("token_ids").isArray()
                        && choice.get("prompt_token_ids").isArray(),
                choice.toString());
        assertTrue(
                r.body().get("usage").get("completion_tokens_details").has("reasoning_tokens"),
                r.body().toString());
    }
}
