package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.model.BuiltinModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code r1 serve --rewards}: the RewardService beside the InferenceService on one port. */
class RewardsMountedInServeTest {

    private static Rollout rollout(String id, String completion) {
        return Rollout.newBuilder().setId(id).setGroupId("g").setGroupSize(2).setCompletion(completion)
                .setTaskType(TaskType.TASK_TYPE_MATH).setReference(Reference.newBuilder().setAnswer("4")).build();
    }

    @Test
    void oneServerGeneratesAndScores() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("de.kherud.llama.tmpdir")));
        try (RewardServer.Mounted rewards = RewardServer.mountable(RewardServer.Config.loopback(0));
             R1Server server = R1Server.launch(new ServerConfig("127.0.0.1", 0, null,
                     List.of(ModelConfig.llamaCpp("stories", BuiltinModels.STORIES_260K, null, null, 1, 1))),
                     List.of(rewards.service()));
             R1Client client = R1Client.connect("127.0.0.1:" + server.port())) {
            assertEquals("stories", client.listModels().get(0).getName());
            List<RolloutResult> results = client.score(List.of(
                    rollout("right", "<think>2+2</think><answer>\\boxed{4}</answer>"),
                    rollout("wrong", "<think>hmm</think><answer>5</answer>")));
            assertEquals(2, results.size());
            assertTrue(results.get(0).getTotal() > results.get(1).getTotal());
            assertTrue(results.get(0).getAdvantage() > 0 && results.get(1).getAdvantage() < 0);
            // grpc.health reports each mounted service by its full name.
            var health = io.grpc.health.v1.HealthGrpc.newBlockingStub(client.channel());
            for (String service : List.of("r1.v1.InferenceService", "r1.v1.RewardService")) {
                assertEquals(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING, health.check(
                        io.grpc.health.v1.HealthCheckRequest.newBuilder().setService(service).build()).getStatus(), service);
            }
        }
    }
}
