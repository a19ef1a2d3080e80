package dev.r1serve.reward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import dev.r1serve.proto.v1.AdvantageOptions;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.proto.v1.ScoreResponse;
import dev.r1serve.proto.v1.TaskType;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** POST /v1/rewards:score on a real RewardServer's HTTP front: the same answers as gRPC Score, and every refusal. */
class ScoreEndpointTest {

    static LoopbackFront front;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        front = LoopbackFront.open();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", front.server.port())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        front.close();
    }

    private static Rollout math(String id, String group, int size, String completion) {
        return Rollout.newBuilder()
                .setId(id)
                .setGroupId(group)
                .setGroupSize(size)
                .setPrompt("What is 2+2?")
                .setCompletion(completion)
                .setTaskType(TaskType.TASK_TYPE_MATH)
                .setReference(Reference.newBuilder().setAnswer("4"))
                .build();
    }

    @Test
    void httpScoreAnswersExactlyWhatGrpcScoreAnswersWithGroupAdvantages() throws Exception {
        ScoreRequest request = ScoreRequest.newBuilder()
                .addRollouts(math("a", "g", 3, "<think>2+2=4</think><answer>\\boxed{4}</answer>"))
                .addRollouts(math("b", "g", 3, "<think>hmm</think><answer>\\boxed{5}</answer>"))
                .addRollouts(math("c", "g", 3, "no tags, 7"))
                .addRollouts(math("d", "open", 2, "<think>x</think><answer>4</answer>")) // incomplete group
                .setAdvantage(AdvantageOptions.newBuilder()
                        .setNormalization(AdvantageOptions.Normalization.NORMALIZATION_SAMPLE))
                .build();
        ScoreResponse grpc = RewardServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .score(request);

        LoopbackFront.Reply reply =
                front.post(RewardHttpFront.SCORE_PATH, JsonFormat.printer().print(request));
        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(
                "application/json",
                reply.raw().headers().firstValue("Content-Type").orElse(""));
        ScoreResponse.Builder http = ScoreResponse.newBuilder();
        JsonFormat.parser().merge(reply.raw().body(), http);
        assertEquals(grpc, http.build());
        JsonNode results = reply.json().get("results");
        assertTrue(results.get(0).get("advantage").asDouble() > 0);
        assertTrue(results.get(2).get("advantage").asDouble() < 0);
        assertTrue(results.get(3).path("advantage").isMissingNode(), "an incomplete group has no advantage");
        assertEquals(0.0, results.get(2).get("total").asDouble(), "a total of 0 is printed, not left out");
    }

    @Test
    void snakeCaseProtoNamesAreAcceptedToo() throws Exception {
        LoopbackFront.Reply reply = front.post(RewardHttpFront.SCORE_PATH, """
                {"rollouts": [{"id": "a", "group_id": "g", "group_size": 1, "completion": "<think>x</think><answer>4</answer>",
                  "task_type": "TASK_TYPE_MATH", "reference": {"answer": "4"}}]}""");
        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(2.0, reply.json().at("/results/0/total").asDouble());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                      | {"rollouts": [           | body
            JSON but not an object        | [1, 2]                   | body
            empty body                    |                          | body
            rollouts missing              | {}                       | rollouts
            rollouts not a list           | {"rollouts": 3}          | rollouts
            unknown top-level field       | {"rollouts": [], "rollout": []} | rollout
            misspelt rollout field        | {"rollouts": [{"id": "a", "grupSize": 1}]} | rollouts[0].grupSize
            wrong type deep inside        | {"rollouts": [{"id": "a", "reference": {"tests": [{"stdin": "1"}, {"stdin": {}}]}}]} | rollouts[0].reference.tests[1].stdin
            unknown task type             | {"rollouts": [{"id": "a", "groupId": "g", "groupSize": 1, "taskType": "TASK_TYPE_POETRY"}]} | rollouts[0].task_type
            task type missing             | {"rollouts": [{"id": "a", "groupId": "g", "groupSize": 1}]} | rollouts[0].task_type
            id missing                    | {"rollouts": [{"groupId": "g", "groupSize": 1, "taskType": "TASK_TYPE_MATH"}]} | rollouts[0].id
            gold answer missing           | {"rollouts": [{"id": "a", "groupId": "g", "groupSize": 1, "taskType": "TASK_TYPE_MATH"}]} | rollouts[0].reference.answer
            group over the gRPC limit     | {"rollouts": [{"id": "a", "groupId": "g", "groupSize": 1025, "taskType": "TASK_TYPE_FORMAT_ONLY"}]} | rollouts[0].group_size
            bad advantage eps             | {"rollouts": [], "advantage": {"eps": -1}} | advantage.eps
            """)
    void badBodiesAre400NamingTheField(String trap, String body, String field) throws Exception {
        LoopbackFront.Reply reply = front.post(RewardHttpFront.SCORE_PATH, body == null ? "" : body);
        assertEquals(400, reply.status(), trap + ": " + reply.raw().body());
        JsonNode err = reply.json().get("error");
        assertEquals(400, err.get("code").asInt());
        assertEquals("INVALID_ARGUMENT", err.get("status").asText());
        assertEquals(field, err.get("field").asText(), err.toString());
        assertTrue(err.get("message").asText().startsWith(field), err.toString());
    }

    @Test
    void aBodyOverTheGrpcMessageLimitIs413() throws Exception {
        String completion = "x".repeat(dev.r1serve.reward.grpc.RewardServer.MAX_MESSAGE_BYTES);
        LoopbackFront.Reply reply =
                front.post(RewardHttpFront.SCORE_PATH, "{\"rollouts\": [{\"completion\": \"" + completion + "\"}]}");
        assertEquals(413, reply.status(), reply.raw().body());
        assertEquals("body", reply.json().at("/error/field").asText());
        assertEquals(
                "RESOURCE_EXHAUSTED",
                reply.json().at("/error/status").asText()); // as gRPC answers an oversized message
    }

    @Test
    void onlyPostOnTheExactPath() throws Exception {
        LoopbackFront.Reply get =
                front.send(HttpRequest.newBuilder(URI.create(front.url() + RewardHttpFront.SCORE_PATH))
                        .GET());
        assertEquals(405, get.status());
        assertEquals("POST", get.raw().headers().firstValue("Allow").orElse(""));
        assertEquals(404, front.post(RewardHttpFront.SCORE_PATH + "x", "{}").status());
        assertEquals(404, front.post("/v1/rewards", "{}").status());
    }

    @Test
    void requestsAreCountedByRouteAndStatus() throws Exception {
        double ok = front.server.metrics().httpRequests(RewardHttpFront.SCORE_PATH, 200);
        double bad = front.server.metrics().httpRequests(RewardHttpFront.SCORE_PATH, 400);
        front.post(RewardHttpFront.SCORE_PATH, "{\"rollouts\": []}");
        front.post(RewardHttpFront.SCORE_PATH, "{");
        assertEquals(ok + 1, front.server.metrics().httpRequests(RewardHttpFront.SCORE_PATH, 200));
        assertEquals(bad + 1, front.server.metrics().httpRequests(RewardHttpFront.SCORE_PATH, 400));
    }
}
