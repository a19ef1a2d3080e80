package dev.r1serve.reward.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.AdvantageOptions;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.RewardValue;
import dev.r1serve.proto.v1.RewardWeights;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.proto.v1.ScoreResponse;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.Grpo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Score and ScoreStream through a real RewardServer on a free loopback port. */
class RewardServiceTest {

    static RewardServer server;
    static ManagedChannel channel;
    static RewardServiceGrpc.RewardServiceBlockingStub blocking;
    static RewardServiceGrpc.RewardServiceStub async;

    @BeforeAll
    static void start() throws Exception {
        // eps = 0 so advantages are exact in the assertions
        server = RewardServer.start(RewardServer.Config.loopback(0)
                .withAdvantage(new Grpo.Options(Grpo.Normalization.POPULATION, 0))
                .withMaxPendingGroups(4));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        blocking = RewardServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        async = RewardServiceGrpc.newStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    static final String RIGHT = "<think>2+2 is four</think><answer>\\boxed{4}</answer>";
    static final String WRONG = "<think>2+2 is five</think><answer>\\boxed{5}</answer>";

    static Rollout math(String id, String group, int size, String completion) {
        return Rollout.newBuilder()
                .setId(id)
                .setGroupId(group)
                .setGroupSize(size)
                .setPrompt("What is 2+2?")
                .setCompletion(completion)
                .setTaskType(TaskType.TASK_TYPE_MATH)
                .setReference(Reference.newBuilder().setAnswer("4"))
                // only accuracy counts in the total, so the totals are 1 and 0
                .setWeights(RewardWeights.newBuilder().setFormat(0))
                .build();
    }

    static double reward(RolloutResult r, String name) {
        return r.getRewardsList().stream()
                .filter(v -> v.getName().equals(name))
                .mapToDouble(RewardValue::getValue)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void healthAndReflectionNames() {
        var h = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder()
                        .setService(RewardServer.SERVICE)
                        .build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());
    }

    @Test
    void scoreGivesExactAdvantagesForCompleteGroups() {
        ScoreResponse resp = blocking.score(ScoreRequest.newBuilder()
                .addRollouts(math("a", "g1", 4, RIGHT))
                .addRollouts(math("b", "g1", 4, WRONG))
                .addRollouts(math("x", "g2", 2, RIGHT))
                .addRollouts(math("c", "g1", 4, WRONG))
                .addRollouts(math("d", "g1", 4, RIGHT))
                .addRollouts(math("y", "g3", 3, RIGHT)) // incomplete in this batch: no advantage
                .addRollouts(math("z", "g2", 2, RIGHT))
                .build());
        Map<String, RolloutResult> byId = new HashMap<>();
        resp.getResultsList().forEach(r -> byId.put(r.getId(), r));
        assertEquals(
                List.of("a", "b", "x", "c", "d", "y", "z"),
                resp.getResultsList().stream().map(RolloutResult::getId).toList());
        // rewards [1,0,0,1]: population std 0.5 -> [1,-1,-1,1]
        assertEquals(1.0, byId.get("a").getAdvantage(), 0.0);
        assertEquals(-1.0, byId.get("b").getAdvantage(), 0.0);
        assertEquals(-1.0, byId.get("c").getAdvantage(), 0.0);
        assertEquals(1.0, byId.get("d").getAdvantage(), 0.0);
        assertEquals(1.0, reward(byId.get("a"), "accuracy"));
        assertEquals(1.0, reward(byId.get("a"), "format"));
        assertEquals(1.0, byId.get("a").getTotal()); // format weighted 0
        // all equal -> zeros exactly
        assertEquals(0.0, byId.get("x").getAdvantage());
        assertEquals(0.0, byId.get("z").getAdvantage());
        assertFalse(byId.get("y").hasAdvantage());
        assertTrue(server.metrics().rewards("accuracy", "math") >= 7);
    }

    @Test
    void scoreHonoursAdvantageOptions() {
        ScoreRequest.Builder b = ScoreRequest.newBuilder()
                .setAdvantage(AdvantageOptions.newBuilder()
                        .setNormalization(AdvantageOptions.Normalization.NORMALIZATION_NONE));
        for (String id : List.of("a", "b", "c", "d"))
            b.addRollouts(math(id, "g", 4, id.equals("a") || id.equals("d") ? RIGHT : WRONG));
        List<Double> adv = blocking.score(b.build()).getResultsList().stream()
                .map(RolloutResult::getAdvantage)
                .toList();
        assertEquals(List.of(0.5, -0.5, -0.5, 0.5), adv);
    }

    @Test
    void scoreStreamReturnsGroupsAsTheyCompleteMatchedById() throws Exception {
        List<RolloutResult> got = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Rollout> out = async.scoreStream(new StreamObserver<>() {
            public void onNext(RolloutResult r) {
                got.add(r);
            }

            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            public void onCompleted() {
                done.complete(null);
            }
        });
        // two groups interleaved; group B completes first
        out.onNext(math("a1", "A", 4, RIGHT));
        out.onNext(math("b1", "B", 2, WRONG));
        out.onNext(math("a2", "A", 4, WRONG));
        out.onNext(math("b2", "B", 2, WRONG));
        waitFor(() -> got.size() == 2);
        assertEquals(
                List.of("B", "B"), got.stream().map(RolloutResult::getGroupId).toList());
        assertEquals(0.0, got.get(0).getAdvantage());
        out.onNext(math("a3", "A", 4, WRONG));
        out.onNext(math("a4", "A", 4, RIGHT));
        out.onCompleted();
        done.get(30, TimeUnit.SECONDS);
        Map<String, Double> adv = new HashMap<>();
        got.forEach(r -> adv.put(r.getId(), r.getAdvantage()));
        assertEquals(Map.of("a1", 1.0, "a2", -1.0, "a3", -1.0, "a4", 1.0, "b1", 0.0, "b2", 0.0), adv);
    }

    @Test
    void scoreStreamManyGroupsUnderFlowControl() throws Exception {
        // the shared server allows only 4 pending groups; this one has the default bound
        try (RewardServer big = RewardServer.start(
                RewardServer.Config.loopback(0).withAdvantage(new Grpo.Options(Grpo.Normalization.POPULATION, 0)))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", big.port())
                    .usePlaintext()
                    .build();
            try {
                manyGroups(RewardServiceGrpc.newStub(ch));
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void manyGroups(RewardServiceGrpc.RewardServiceStub async) throws Exception {
        List<RolloutResult> got = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Rollout> out = async.scoreStream(new StreamObserver<>() {
            public void onNext(RolloutResult r) {
                got.add(r);
            }

            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            public void onCompleted() {
                done.complete(null);
            }
        });
        int groups = 100, size = 8;
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < size; i++) out.onNext(math(g + "-" + i, "G" + g, size, i % 2 == 0 ? RIGHT : WRONG));
        }
        out.onCompleted();
        done.get(60, TimeUnit.SECONDS);
        assertEquals(groups * size, got.size());
        for (RolloutResult r : got)
            assertEquals(
                    r.getId().endsWith("0")
                                    || r.getId().endsWith("2")
                                    || r.getId().endsWith("4")
                                    || r.getId().endsWith("6")
                            ? 1.0
                            : -1.0,
                    r.getAdvantage(),
                    0.0,
                    r.getId());
    }

    @Test
    void scoreStreamHalfCloseReturnsIncompleteGroupsWithoutAdvantage() throws Exception {
        List<RolloutResult> got = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Rollout> out = async.scoreStream(observer(got, done));
        out.onNext(math("only", "G", 3, RIGHT));
        out.onCompleted();
        done.get(30, TimeUnit.SECONDS);
        assertEquals(1, got.size());
        assertFalse(got.get(0).hasAdvantage());
    }

    @Test
    void scoreStreamBoundsPendingGroups() {
        List<RolloutResult> got = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Rollout> out = async.scoreStream(observer(got, done));
        for (int g = 0; g < 6; g++) out.onNext(math("r" + g, "G" + g, 2, RIGHT)); // server allows 4 incomplete groups
        var e = assertThrows(Exception.class, () -> done.get(30, TimeUnit.SECONDS));
        Status s = Status.fromThrowable(e.getCause());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
        assertTrue(s.getDescription().contains("incomplete groups"), s.getDescription());
        out.onCompleted();
    }

    @Test
    void scoreStreamRejectsInvalidRolloutNamingTheField() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Rollout> out = async.scoreStream(observer(new ArrayList<>(), done));
        out.onNext(math("a", "G", 2, RIGHT).toBuilder().setGroupSize(0).build());
        var e = assertThrows(Exception.class, () -> done.get(30, TimeUnit.SECONDS));
        Status s = Status.fromThrowable(e.getCause());
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("group_size"), s.getDescription());
    }

    @Test
    void scoreValidationNamesTheField() {
        assertInvalid(
                ScoreRequest.newBuilder().addRollouts(math("", "g", 1, RIGHT)).build(), "rollouts[0].id");
        assertInvalid(
                ScoreRequest.newBuilder().addRollouts(math("a", "", 1, RIGHT)).build(), "rollouts[0].group_id");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 1, RIGHT).toBuilder().setTaskType(TaskType.TASK_TYPE_UNSPECIFIED))
                        .build(),
                "rollouts[0].task_type");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 1, RIGHT).toBuilder().setReference(Reference.getDefaultInstance()))
                        .build(),
                "rollouts[0].reference.answer");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 1, RIGHT).toBuilder().setTargetLanguage("fr"))
                        .build(),
                "rollouts[0].target_language");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 1, RIGHT).toBuilder().setTaskType(TaskType.TASK_TYPE_CODE))
                        .build(),
                "rollouts[0].reference.tests");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 2, RIGHT))
                        .addRollouts(math("a", "g", 2, RIGHT))
                        .build(),
                "rollouts[1].id");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 2, RIGHT))
                        .addRollouts(math("b", "g", 3, RIGHT))
                        .build(),
                "rollouts[1].group_size");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 1, RIGHT))
                        .addRollouts(math("b", "g", 1, RIGHT))
                        .build(),
                "more than group_size");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 1, RIGHT))
                        .setAdvantage(AdvantageOptions.newBuilder().setEps(-1))
                        .build(),
                "advantage.eps");
        assertInvalid(
                ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 1, RIGHT).toBuilder()
                                .setWeights(RewardWeights.newBuilder().setAccuracy(Double.NaN)))
                        .build(),
                "rollouts[0].weights.accuracy");
    }

    @Test
    void languageAndFormatRewardsOverTheWire() {
        RolloutResult r = blocking.score(ScoreRequest.newBuilder()
                        .addRollouts(math("a", "g", 1, "所以答案是四</think><answer>4</answer>").toBuilder()
                                .setPrompt("问题 <think>\n")
                                .setTargetLanguage("zh")
                                .setTaskType(TaskType.TASK_TYPE_FORMAT_ONLY)
                                .clearWeights())
                        .build())
                .getResults(0);
        assertEquals(
                List.of("format", "language"),
                r.getRewardsList().stream().map(RewardValue::getName).toList());
        assertEquals(2.0, r.getTotal());
        assertEquals(0.0, r.getAdvantage());
    }

    @Test
    void codeRewardRunsTheAnswerInTheSandbox() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                server.hasSandbox(), "bubblewrap missing: apt-get install bubblewrap");
        Reference ref = Reference.newBuilder()
                .setLanguage("python")
                .addTests(dev.r1serve.proto.v1.CodeTest.newBuilder()
                        .setStdin("2 3\n")
                        .setExpectedStdout("5\n"))
                .addTests(dev.r1serve.proto.v1.CodeTest.newBuilder()
                        .setTestCode("def check(candidate):\n    assert candidate(2, 3) == 5\n")
                        .setEntryPoint("add"))
                .build();
        String good = "<think>add</think><answer>```python\ndef add(a, b):\n    return a + b\n\n"
                + "import sys\ndata = sys.stdin.read().split()\nif data:\n    print(add(*map(int, data)))\n```</answer>";
        String bad = good.replace("a + b", "a - b");
        ScoreResponse resp = blocking.score(ScoreRequest.newBuilder()
                .addRollouts(Rollout.newBuilder()
                        .setId("g")
                        .setGroupId("c")
                        .setGroupSize(2)
                        .setTaskType(TaskType.TASK_TYPE_CODE)
                        .setCompletion(good)
                        .setReference(ref))
                .addRollouts(Rollout.newBuilder()
                        .setId("b")
                        .setGroupId("c")
                        .setGroupSize(2)
                        .setTaskType(TaskType.TASK_TYPE_CODE)
                        .setCompletion(bad)
                        .setReference(ref))
                .build());
        RolloutResult g = resp.getResults(0), b = resp.getResults(1);
        assertEquals(1.0, reward(g, "accuracy"), g.toString());
        assertEquals(0.0, reward(b, "accuracy"), b.toString());
        assertTrue(b.getRewards(0).getReason().contains("wrong=2"), b.toString());
        assertEquals(1.0, g.getAdvantage(), 1e-9);
        assertEquals(-1.0, b.getAdvantage(), 1e-9);
        assertTrue(server.metrics().runs("ok", "python") >= 2);
    }

    private static void assertInvalid(ScoreRequest req, String field) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> blocking.score(req));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertNotNull(e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains(field), e.getStatus().getDescription());
    }

    static StreamObserver<RolloutResult> observer(List<RolloutResult> got, CompletableFuture<Void> done) {
        return new StreamObserver<>() {
            public void onNext(RolloutResult r) {
                got.add(r);
            }

            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            public void onCompleted() {
                done.complete(null);
            }
        };
    }

    static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.getAsBoolean() && System.nanoTime() < end) Thread.sleep(5);
        assertTrue(c.getAsBoolean(), "condition not reached in 30 s");
    }
}
