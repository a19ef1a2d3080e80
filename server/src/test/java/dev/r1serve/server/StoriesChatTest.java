package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The quick start with an OpenAI chat client: the bundled stories260K model answers chat calls. */
class StoriesChatTest {

    @Test
    void openAiChatCompletionsOnTheBundledModelUseThePlainTemplate() {
        OpenAiHttp.Reply r = OpenAiHttp.post(
                TestServer.get().httpPort(),
                "/v1/chat/completions",
                "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story.\"}],"
                        + "\"max_tokens\":8,\"seed\":1}");
        assertEquals(200, r.status(), r.body().toString());
        JsonNode choice = r.body().get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertTrue(
                r.body().get("usage").get("completion_tokens").asInt() > 0,
                r.body().toString());
    }
}
