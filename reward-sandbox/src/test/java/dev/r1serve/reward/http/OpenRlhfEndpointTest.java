package dev.r1serve.reward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * POST /openrlhf/reward with the body OpenRLHF's remote_rm_fn sends (fixtures/openrlhf, see its README for the
 * commit): the prompt/response split of {@code query}, the label mapping, and the response keys it reads.
 */
class OpenRlhfEndpointTest {

    static LoopbackFront front;

    @BeforeAll
    static void start() throws Exception {
        front = LoopbackFront.open();
    }

    @AfterAll
    static void stop() {
        front.close();
    }

    static String fixture(String path) throws IOException {
        try (InputStream in = OpenRlhfEndpointTest.class.getResourceAsStream("/fixtures/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Double> doubles(JsonNode list) {
        List<Double> out = new ArrayList<>();
        list.forEach(v -> out.add(v.asDouble()));
        return out;
    }

    @Test
    void theRequestOpenRlhfSendsGetsRewardsScoresAndPerSampleExtraLogs() throws Exception {
        LoopbackFront.Reply reply =
                front.post(RewardHttpFront.OPENRLHF_PATH, fixture("openrlhf/remote_rm_request.json"));
        assertEquals(200, reply.status(), reply.raw().body());
        JsonNode out = reply.json();
        // 0: plain label = math gold, right; 1: JSON label naming choice, right; 2: blank label = format only;
        // 3: math, wrong. Padding before the prompt and EOS after the response do not cost the format reward.
        assertEquals(List.of(2.0, 2.0, 1.0, 1.0), doubles(out.get("rewards")));
        assertEquals(List.of(1.0, 1.0, 1.0, 0.0), doubles(out.get("scores")));
        assertEquals(List.of(1.0, 1.0, 0.0, 0.0), doubles(out.at("/extra_logs/accuracy")));
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0), doubles(out.at("/extra_logs/format")));
    }

    @Test
    void aLabelObjectCanCarryTargetLanguageAndWeights() throws Exception {
        LoopbackFront.Reply reply = front.post(RewardHttpFront.OPENRLHF_PATH, """
                {"query": ["Q<think>\\nfour\\n</think>\\n<answer>4</answer>"], "prompts": ["Q"],
                 "labels": [{"task_type": "math", "answer": "4", "target_language": "en", "weights": {"format": 0}}]}""");
        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(
                2.0,
                reply.json().at("/rewards/0").asDouble(),
                reply.raw().body()); // accuracy 1 + language 1, format weighted 0
        assertEquals(1.0, reply.json().at("/extra_logs/language/0").asDouble());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            query missing                 | {"prompts": [], "labels": []}                              | query
            query not strings             | {"query": [1], "prompts": ["a"]}                           | query[0]
            prompts missing               | {"query": ["a"]}                                           | prompts
            prompts of another length     | {"query": ["a", "b"], "prompts": ["a"]}                    | prompts
            labels of another length      | {"query": ["a"], "prompts": ["a"], "labels": []}           | labels
            prompt not inside the query   | {"query": ["hello"], "prompts": ["bye"]}                   | prompts[0]
            unknown task type             | {"query": ["ab"], "prompts": ["a"], "labels": ["{\\"task_type\\": \\"poetry\\"}"]} | labels[0].task_type
            label object without a type   | {"query": ["ab"], "prompts": ["a"], "labels": [{"answer": "4"}]} | labels[0].task_type
            unknown label field           | {"query": ["ab"], "prompts": ["a"], "labels": [{"task_type": "math", "gold": "4"}]} | labels[0].gold
            broken JSON label             | {"query": ["ab"], "prompts": ["a"], "labels": ["{\\"task_type\\": "]} | labels[0]
            code label without tests      | {"query": ["ab"], "prompts": ["a"], "labels": [{"task_type": "code"}]} | labels[0].tests
            unknown top-level field       | {"query": [], "prompts": [], "label": []}                  | label
            """)
    void badBodiesAre400InFastApisShapeNamingTheField(String trap, String body, String field) throws Exception {
        LoopbackFront.Reply reply = front.post(RewardHttpFront.OPENRLHF_PATH, body);
        assertEquals(400, reply.status(), trap + ": " + reply.raw().body());
        JsonNode detail = reply.json().at("/detail/0");
        assertEquals("body", detail.at("/loc/0").asText(), reply.raw().body());
        assertTrue(
                detail.get("msg").asText().startsWith(field),
                trap + ": " + reply.raw().body());
        assertEquals("value_error", detail.get("type").asText());
    }

    @Test
    void trailingEndOfSequenceTokensAreNotPartOfTheCompletion() {
        assertEquals(
                "<answer>4</answer>",
                OpenRlhfReward.stripTrailingTokens("<answer>4</answer><|im_end|>\n<|endoftext|><|endoftext|>"));
        assertEquals("a</s>b", OpenRlhfReward.stripTrailingTokens("a</s>b"));
    }
}
