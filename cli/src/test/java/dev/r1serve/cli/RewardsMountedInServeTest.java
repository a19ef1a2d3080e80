package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.model.BuiltinModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code r1 serve --rewards}: the RewardService and the RolloutService beside the InferenceService on one port. */
class RewardsMountedInServeTest {

    private static Rollout rollout(String id, String completion) {
        return Rollout.newBuilder()
                .setId(id)
                .setGroupId("g")
                .setGroupSize(2)
                .setCompletion(completion)
                .setTaskType(TaskType.TASK_TYPE_MATH)
                .setReference(Reference.newBuilder().setAnswer("4"))
                .build();
    }

    @Test
    void oneServerGeneratesAndScores() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("de.kherud.llama.tmpdir")));
        try (RewardServer.Mounted rewards = RewardServer.mountable(RewardServer.Config.loopback(0));
                R1Server server = ServeCommand.launch(
                        new ServerConfig(
                                "127.0.0.1",
                                0,
                                null,
                                List.of(ModelConfig.llamaCpp("stories", BuiltinModels.STORIES_260K, null, null, 1, 1))),
                        rewards,
                        128);
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
            for (String service : List.of("r1.v1.InferenceService", "r1.v1.RewardService", "r1.v1.RolloutService")) {
                assertEquals(
                        io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING,
                        health.check(io.grpc.health.v1.HealthCheckRequest.newBuilder()
                                        .setService(service)
                                        .build())
                                .getStatus(),
                        service);
            }
        }
    }

    @Test
    void theEmbeddedEngineServesRolloutsWithTokenIdsAndLogprobs() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("de.kherud.llama.tmpdir")));
        try (RewardServer.Mounted rewards = RewardServer.mountable(RewardServer.Config.loopback(0));
                R1Server server = ServeCommand.launch(
                        new ServerConfig(
                                "127.0.0.1",
                                0,
                                null,
                                List.of(ModelConfig.llamaCpp("stories", BuiltinModels.STORIES_260K, null, null, 2, 1))),
                        rewards,
                        128);
                R1Client client = R1Client.connect("127.0.0.1:" + server.port())) {
            RolloutRequest request = RolloutRequest.newBuilder()
                    .setId("story")
                    .setGenerate(GenerateRequest.newBuilder()
                            .setModel("stories")
                            .setPrompt("")
                            .setSampling(SamplingParams.newBuilder()
                                    .setN(4)
                                    .setSeed(42)
                                    .setMaxTokens(16)))
                    .setTaskType(TaskType.TASK_TYPE_FORMAT_ONLY)
                    .build();
            List<RolloutGroup> groups = collect(client.rollouts(List.of(request)));
            assertEquals(1, groups.size());
            RolloutGroup g = groups.get(0);
            assertEquals(4, g.getSamplesCount());
            for (var s : g.getSamplesList()) {
                assertTrue(s.getSample().getTokenIdsCount() > 0, s.toString());
                assertEquals("format", s.getRewards(0).getName());
                assertEquals(0.0, s.getAdvantage()); // a story is never R1-formatted: equal totals, advantage exactly 0
            }
            var withLogprobs = request.toBuilder()
                    .setGenerate(request.getGenerate().toBuilder()
                            .setOptions(GenerateOptions.newBuilder().setReturnLogprobs(true)))
                    .build();
            // the embedded engine's raw logprobs, one per token id, for a trainer's importance ratios
            RolloutGroup scored =
                    collect(client.rollouts(List.of(withLogprobs))).get(0);
            for (var s : scored.getSamplesList()) {
                var sample = s.getSample();
                assertEquals("raw_logprobs", sample.getLogprobsMode());
                assertEquals(sample.getTokenIdsCount(), sample.getLogprobsCount(), sample.toString());
                for (int i = 0; i < sample.getTokenIdsCount(); i++) {
                    assertEquals(sample.getTokenIds(i), sample.getLogprobs(i).getTokenId());
                    assertTrue(sample.getLogprobs(i).getLogprob() <= 0);
                }
            }
        }
    }

    static List<RolloutGroup> collect(Flow.Publisher<RolloutGroup> p) throws Exception {
        List<RolloutGroup> out = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        p.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(RolloutGroup g) {
                out.add(g);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(120, TimeUnit.SECONDS);
        return List.copyOf(out);
    }
}
