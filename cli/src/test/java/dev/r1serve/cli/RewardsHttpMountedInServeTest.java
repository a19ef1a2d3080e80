package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.reward.http.RewardHttpFront;
import dev.r1serve.reward.http.RewardHttpServer;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.security.ApiKeyInterceptor;
import dev.r1serve.server.security.ApiKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code r1 serve --rewards --http-port N --api-keys FILE}: the reward HTTP front on the OpenAI API's port, behind
 * the server's own API key file; {@code r1 reward serve --api-keys FILE --http-port N}: one key set on gRPC and HTTP.
 */
class RewardsHttpMountedInServeTest {

    @TempDir
    Path dir;

    @Test
    void oneHttpPortServesTheOpenAiApiAndTheRewardsBehindTheSameKeys() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("de.kherud.llama.tmpdir")));
        Path keys = Files.writeString(dir.resolve("keys"), ApiKeys.line("trainer", "k3y") + "\n");
        ServerConfig config = new ServerConfig(
                "127.0.0.1",
                0,
                null,
                List.of(ModelConfig.llamaCpp("stories", BuiltinModels.STORIES_260K, null, null, 1, 1)),
                null,
                keys.toString(),
                null,
                null,
                0);
        ObjectMapper json = new ObjectMapper();
        try (RewardServer.Mounted rewards = RewardServer.mountable(RewardServer.Config.loopback(0));
                R1Server server = R1Server.launch(config, List.of(rewards.service()));
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
            ServeCommand.mountRewardsHttp(server, rewards);
            String base = "http://127.0.0.1:" + server.httpPort();
            String body = """
                    {"query": ["Q: 2+2?<think>four</think><answer>4</answer>"], "prompts": ["Q: 2+2?"], "labels": ["4"]}""";
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + RewardHttpFront.OPENRLHF_PATH))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));

            HttpResponse<String> refused = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), refused.body());
            HttpResponse<String> wrong = http.send(
                    post.copy().header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());

            HttpResponse<String> scored = http.send(
                    post.copy().header("Authorization", "Bearer k3y").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scored.statusCode(), scored.body());
            JsonNode out = json.readTree(scored.body());
            assertEquals(2.0, out.at("/rewards/0").asDouble(), scored.body());

            HttpResponse<String> models = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/models"))
                            .header("Authorization", "Bearer k3y")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode());
            assertTrue(models.body().contains("\"stories\""), models.body());
        }
    }

    @Test
    void rewardServeWithApiKeysGuardsGrpcAndHttpWithTheSameKeys() throws Exception {
        ApiKeys keys = ApiKeys.parse(List.of(ApiKeys.line("trainer", "k3y")), "test");
        Rollout rollout = Rollout.newBuilder()
                .setId("a")
                .setGroupId("g")
                .setGroupSize(1)
                .setCompletion("<think>x</think><answer>4</answer>")
                .setTaskType(TaskType.TASK_TYPE_MATH)
                .setReference(Reference.newBuilder().setAnswer("4"))
                .build();
        try (RewardServer server = RewardServer.start(RewardServer.Config.loopback(0), new ApiKeyInterceptor(keys));
                RewardHttpServer front = RewardHttpServer.start(
                        "127.0.0.1", 0, new RewardHttpFront(server.mounted(), keys::authenticate));
                R1Client open = R1Client.connect("127.0.0.1:" + server.port());
                R1Client keyed = R1Client.builder("127.0.0.1:" + server.port())
                        .apiKey("k3y")
                        .build();
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> open.score(List.of(rollout)));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            assertEquals(2.0, keyed.score(List.of(rollout)).get(0).getTotal());
            HttpRequest.Builder post = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + front.port() + RewardHttpFront.SCORE_PATH))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"rollouts\": []}"));
            assertEquals(
                    401,
                    http.send(post.build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            assertEquals(
                    200,
                    http.send(
                                    post.copy()
                                            .header("Authorization", "Bearer k3y")
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
        }
    }
}
