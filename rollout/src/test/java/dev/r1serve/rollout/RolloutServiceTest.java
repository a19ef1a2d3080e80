package dev.r1serve.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.proto.v1.AdvantageOptions;
import dev.r1serve.proto.v1.CodeTest;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.RewardValue;
import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.RolloutSample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.RewardOptions;
import dev.r1serve.reward.sandbox.Limits;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The RolloutService over real gRPC on loopback, with a scripted model whose outputs are known. */
class RolloutServiceTest {

    static final String RIGHT = "<think>2+2 is 4</think>\n<answer>4</answer>";
    static final String WRONG = "<think>2+2 is 5</think>\n<answer>5</answer>";
    static final String UNFORMATTED = "It is 5";
    static final double EPS = 1e-6;

    static RolloutRequest math(String id, long seed, int n) {
        return RolloutRequest.newBuilder()
                .setId(id)
                .setGenerate(GenerateRequest.newBuilder()
                        .setModel("m")
                        .setPrompt("What is 2+2?")
                        .setSampling(SamplingParams.newBuilder()
                                .setN(n)
                                .setSeed(seed)
                                .setMaxTokens(200)))
                .setTaskType(TaskType.TASK_TYPE_MATH)
                .setReference(Reference.newBuilder().setAnswer("4"))
                .build();
    }

    static Map<String, Double> rewards(RolloutSample s) {
        return s.getRewardsList().stream().collect(Collectors.toMap(RewardValue::getName, RewardValue::getValue));
    }

    @Test
    void correctWrongAndUnformattedAnswersInOneGroupGetTheRewardsAndAdvantagesComputedByHand() throws Exception {
        ScriptedModel model = new ScriptedModel(4).script(7, List.of(RIGHT, WRONG, UNFORMATTED));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT)) {
            List<RolloutGroup> groups =
                    RolloutCall.open(s.channel).send(math("q1", 7, 3)).finish();

            assertEquals(1, groups.size());
            RolloutGroup g = groups.get(0);
            assertEquals("q1", g.getId());
            assertEquals(3, g.getSamplesCount());
            // accuracy + format: right and formatted 1 + 1, wrong but formatted 0 + 1, wrong and unformatted 0 + 0
            assertEquals(Map.of("accuracy", 1.0, "format", 1.0), rewards(g.getSamples(0)));
            assertEquals(Map.of("accuracy", 0.0, "format", 1.0), rewards(g.getSamples(1)));
            assertEquals(Map.of("accuracy", 0.0, "format", 0.0), rewards(g.getSamples(2)));
            assertEquals(
                    List.of(2.0, 1.0, 0.0),
                    g.getSamplesList().stream().map(RolloutSample::getTotal).toList());
            // totals 2, 1, 0: mean 1, population std sqrt(2/3); A = (r - 1) / (sqrt(2/3) + 1e-6)
            double std = Math.sqrt(2.0 / 3);
            assertEquals(1 / (std + EPS), g.getSamples(0).getAdvantage(), 1e-12);
            assertEquals(0.0, g.getSamples(1).getAdvantage());
            assertEquals(-1 / (std + EPS), g.getSamples(2).getAdvantage(), 1e-12);
            assertTrue(
                    g.getSamples(0).getRewards(0).getReason().startsWith("correct"),
                    g.getSamples(0).getRewards(0).getReason());
        }
    }

    @Test
    void eachSampleComesWithItsTextReasoningAnswerTokenIdsAndFinishReason() throws Exception {
        ScriptedModel model = new ScriptedModel(4).script(11, List.of(RIGHT, "<think>数</think>\n<answer>4</answer>"));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT)) {
            RolloutGroup g =
                    RolloutCall.open(s.channel).send(math("q", 11, 2)).finish().get(0);
            for (int i = 0; i < 2; i++) {
                var sample = g.getSamples(i).getSample();
                assertEquals(i, sample.getIndex());
                assertEquals(FinishReason.FINISH_REASON_EOS, sample.getFinishReason());
                // token ids are returned without being asked for: the scripted engine's id is the code point
                assertEquals(sample.getText().codePoints().boxed().toList(), sample.getTokenIdsList());
                assertEquals("<answer>4</answer>", sample.getAnswer().strip());
            }
            assertEquals(RIGHT, g.getSamples(0).getSample().getText());
            assertEquals("2+2 is 4", g.getSamples(0).getSample().getReasoning());
            assertEquals(11, g.getSamples(0).getSample().getSeed());
        }
    }

    /** A model whose engine has no token ids (an openai-chat backend) still serves rollouts, without ids. */
    @Test
    void anEngineWithoutTokenIdsStillServesRollouts() throws Exception {
        ScriptedModel model = new ScriptedModel(4).withoutTokenIds().script(31, List.of(RIGHT, WRONG));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT)) {
            RolloutGroup g = RolloutCall.open(s.channel)
                    .send(math("noids", 31, 2))
                    .finish()
                    .get(0);
            assertEquals(2, g.getSamplesCount());
            assertEquals(0, g.getSamples(0).getSample().getTokenIdsCount());
            assertEquals(RIGHT, g.getSamples(0).getSample().getText());
        }
    }

    /** An engine with log-probabilities (as a vLLM backend): each sampled token's logprob comes with its id. */
    @Test
    void logprobsOfAnEngineThatHasThemComeWithEachTokenId() throws Exception {
        ScriptedModel model = new ScriptedModel(4).withLogprobs().script(21, List.of(RIGHT, WRONG));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT)) {
            RolloutRequest r = math("lp", 21, 2);
            r = r.toBuilder()
                    .setGenerate(r.getGenerate().toBuilder()
                            .setOptions(dev.r1serve.proto.v1.GenerateOptions.newBuilder()
                                    .setReturnLogprobs(true)))
                    .build();
            RolloutGroup g = RolloutCall.open(s.channel).send(r).finish().get(0);
            for (RolloutSample rs : g.getSamplesList()) {
                var sample = rs.getSample();
                assertEquals("raw_logprobs", sample.getLogprobsMode());
                assertEquals(sample.getTokenIdsCount(), sample.getLogprobsCount());
                for (int i = 0; i < sample.getTokenIdsCount(); i++) {
                    int id = sample.getTokenIds(i);
                    assertEquals(id, sample.getLogprobs(i).getTokenId());
                    assertEquals(
                            ScriptedModel.logprob(id), sample.getLogprobs(i).getLogprob());
                }
            }
        }
    }

    @Test
    void theRequestsAdvantageOptionsAndWeightsApply() throws Exception {
        ScriptedModel model = new ScriptedModel(4).script(3, List.of(RIGHT, WRONG));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT)) {
            RolloutRequest r = math("dr", 3, 2).toBuilder()
                    .setWeights(dev.r1serve.proto.v1.RewardWeights.newBuilder().setFormat(0.5))
                    .setAdvantage(AdvantageOptions.newBuilder()
                            .setNormalization(AdvantageOptions.Normalization.NORMALIZATION_NONE))
                    .build();
            RolloutGroup g = RolloutCall.open(s.channel).send(r).finish().get(0);
            // totals 1 + 0.5 and 0 + 0.5; Dr. GRPO: r - mean, no division
            assertEquals(1.5, g.getSamples(0).getTotal());
            assertEquals(0.5, g.getSamples(1).getTotal());
            assertEquals(0.5, g.getSamples(0).getAdvantage());
            assertEquals(-0.5, g.getSamples(1).getAdvantage());
        }
    }

    @Test
    void aCodeTaskRunsItsTestsInTheSandbox() throws Exception {
        String right =
                "<think>add them</think>\n<answer>\n```python\na, b = map(int, input().split())\nprint(a + b)\n```\n</answer>";
        String wrong =
                "<think>subtract</think>\n<answer>\n```python\na, b = map(int, input().split())\nprint(a - b)\n```\n</answer>";
        ScriptedModel model = new ScriptedModel(4).script(5, List.of(right, wrong));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT)) {
            assumeTrue(
                    s.rewards.pool() != null, "bubblewrap (bwrap) is not usable here: code rewards need the sandbox");
            RolloutGroup g =
                    RolloutCall.open(s.channel).send(code("sum", 5, 2)).finish().get(0);
            assertEquals(Map.of("accuracy", 1.0, "format", 1.0), rewards(g.getSamples(0)), g.toString());
            assertEquals(Map.of("accuracy", 0.0, "format", 1.0), rewards(g.getSamples(1)), g.toString());
            assertTrue(
                    g.getSamples(0).getRewards(0).getReason().contains("2/2 tests passed"),
                    g.getSamples(0).getRewards(0).getReason());
            // totals 2 and 1: mean 1.5, std 0.5
            assertEquals(0.5 / (0.5 + EPS), g.getSamples(0).getAdvantage(), 1e-12);
            assertEquals(-0.5 / (0.5 + EPS), g.getSamples(1).getAdvantage(), 1e-12);
        }
    }

    static RolloutRequest code(String id, long seed, int n) {
        return RolloutRequest.newBuilder()
                .setId(id)
                .setGenerate(GenerateRequest.newBuilder()
                        .setModel("m")
                        .setPrompt("Read a and b; print their sum.")
                        .setSampling(SamplingParams.newBuilder()
                                .setN(n)
                                .setSeed(seed)
                                .setMaxTokens(400)))
                .setTaskType(TaskType.TASK_TYPE_CODE)
                .setReference(Reference.newBuilder()
                        .setLanguage("python")
                        .addTests(CodeTest.newBuilder().setStdin("1 2\n").setExpectedStdout("3\n"))
                        .addTests(CodeTest.newBuilder().setStdin("10 5\n").setExpectedStdout("15\n")))
                .build();
    }

    @Test
    void cancellingTheStreamCancelsItsSequencesAndFreesTheEngineSlots() throws Exception {
        ScriptedModel model =
                new ScriptedModel(4).script(1, List.of(ScriptedModel.HOLD, ScriptedModel.HOLD, ScriptedModel.HOLD));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT)) {
            RolloutCall call = RolloutCall.open(s.channel).send(math("held", 1, 3));
            await(() -> model.busySlots() == 3, "the group's 3 sequences to run");
            call.cancel();
            await(
                    () -> model.busySlots() == 0 && s.hosted.scheduler().runningSequences() == 0,
                    "the cancelled stream's sequences to end");
            assertEquals(
                    Status.Code.CANCELLED, Status.fromThrowable(call.failure()).getCode());
        }
    }

    @Test
    void cancellingTheStreamKillsItsSandboxRuns() throws Exception {
        // A run's own wall limit (10 minutes here) must not be what frees the worker.
        Limits longRuns = new Limits(600_000, 600, 512L << 20, 32, 16L << 20, 64, 1 << 20);
        String sleeper = "<think>wait</think>\n<answer>\n```python\nimport time\ntime.sleep(600)\n```\n</answer>";
        ScriptedModel model = new ScriptedModel(4).script(9, List.of(sleeper, sleeper));
        try (RolloutServer s =
                new RolloutServer(model, new RewardOptions(false, null, longRuns, false), RolloutConfig.DEFAULT)) {
            assumeTrue(
                    s.rewards.pool() != null, "bubblewrap (bwrap) is not usable here: code rewards need the sandbox");
            RolloutCall call = RolloutCall.open(s.channel).send(code("slow", 9, 2));
            // one worker: one run executes, three wait behind it
            await(() -> s.rewards.pool().runningNow() == 1, "a sandbox run to start");
            call.cancel();
            await(
                    () -> s.rewards.pool().runningNow() == 0 && s.rewards.pool().queueDepth() == 0,
                    "the cancelled stream's sandbox runs to end");
            // the worker is free for another stream: its code task is scored
            String right =
                    "<think>add</think>\n<answer>\n```python\na, b = map(int, input().split())\nprint(a + b)\n```\n</answer>";
            model.script(10, List.of(right));
            RolloutGroup g = RolloutCall.open(s.channel)
                    .send(code("next", 10, 1))
                    .finish()
                    .get(0);
            assertEquals(1.0, rewards(g.getSamples(0)).get("accuracy"), g.toString());
        }
    }

    @Test
    void tooManyGroupsInFlightEndTheCallWithResourceExhausted() throws Exception {
        ScriptedModel model = new ScriptedModel(8)
                .script(1, List.of(ScriptedModel.HOLD))
                .script(2, List.of(ScriptedModel.HOLD))
                .script(3, List.of(ScriptedModel.HOLD));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT.withMaxGroupsInFlight(2))) {
            RolloutCall call = RolloutCall.open(s.channel).send(math("a", 1, 1), math("b", 2, 1));
            await(() -> model.busySlots() == 2, "two groups to run");
            call.send(math("c", 3, 1));
            Throwable t = call.failure();
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, Status.fromThrowable(t).getCode());
            assertTrue(ErrorDetails.is(t, ErrorReason.OVERLOADED), t.toString());
            assertTrue(t.getMessage().contains("more than 2 groups in flight"), t.getMessage());
            assertEquals("c", ((StatusRuntimeException) t).getTrailers().get(RolloutStream.ROLLOUT_ID));
            // the call's groups in flight are cancelled with it
            await(() -> model.busySlots() == 0, "the refused stream's sequences to end");
        }
    }

    @Test
    void groupsComeBackAsTheyCompleteAndAFinishedGroupFreesItsPlace() throws Exception {
        ScriptedModel model = new ScriptedModel(8)
                .script(1, List.of(ScriptedModel.HOLD))
                .script(2, List.of(RIGHT, WRONG))
                .script(3, List.of(WRONG, RIGHT));
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT.withMaxGroupsInFlight(2))) {
            RolloutCall call = RolloutCall.open(s.channel).send(math("slow", 1, 1), math("fast", 2, 2));
            await(() -> call.groups().size() == 1, "the fast group to come back");
            assertEquals("fast", call.groups().get(0).getId());
            call.send(math("third", 3, 2)); // "fast" was sent, so this fits
            await(() -> call.groups().size() == 2, "the third group to come back");
            assertEquals("third", call.groups().get(1).getId());
            call.cancel();
        }
    }

    @Test
    void invalidRequestsAreRefusedNamingTheField() throws Exception {
        try (RolloutServer s = new RolloutServer(new ScriptedModel(4), RolloutConfig.DEFAULT)) {
            assertInvalid(s, "id", r -> r.clearId());
            assertInvalid(s, "task_type", r -> r.clearTaskType());
            assertInvalid(s, "reference.answer", r -> r.clearReference());
            assertInvalid(s, "target_language", r -> r.setTargetLanguage("xx"));
            assertInvalid(
                    s,
                    "advantage.eps",
                    r -> r.setAdvantage(AdvantageOptions.newBuilder().setEps(-1)));
            assertInvalid(s, "generate", r -> r.clearGenerate());
            assertInvalid(
                    s,
                    "generate.sampling.top_p",
                    r -> r.getGenerateBuilder().getSamplingBuilder().setTopP(2));
            // an engine without log-probabilities says so: FAILED_PRECONDITION, reason UNSUPPORTED, the field named
            RolloutRequest.Builder lp = math("q", 1, 2).toBuilder();
            lp.getGenerateBuilder().setOptions(GenerateOptions.newBuilder().setReturnLogprobs(true));
            Throwable t = RolloutCall.open(s.channel).send(lp.build()).failure();
            assertEquals(
                    Status.Code.FAILED_PRECONDITION, Status.fromThrowable(t).getCode(), t.toString());
            assertEquals(
                    dev.r1serve.proto.errors.ErrorReason.UNSUPPORTED,
                    ErrorDetails.reason(t).orElseThrow());
            assertTrue(t.getMessage().contains("generate.options.return_logprobs"), t.getMessage());
            Throwable unknown = RolloutCall.open(s.channel)
                    .send(math("q", 1, 1).toBuilder()
                            .setGenerate(
                                    math("q", 1, 1).getGenerate().toBuilder().setModel("nope"))
                            .build())
                    .failure();
            assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(unknown).getCode());
        }
    }

    private static Throwable assertInvalid(RolloutServer s, String field, Consumer<RolloutRequest.Builder> edit)
            throws Exception {
        RolloutRequest.Builder b = math("q", 1, 2).toBuilder();
        edit.accept(b);
        Throwable t = RolloutCall.open(s.channel).send(b.build()).failure();
        assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(t).getCode(), t.toString());
        assertEquals(
                field, ErrorDetails.errorInfo(t).orElseThrow().getMetadataOrThrow(ErrorDetails.FIELD), t.toString());
        assertTrue(t.getMessage().contains(field), t.getMessage());
        return t;
    }

    /** Waits for a state the server reaches on its own (up to a minute); not a timing assertion. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }
}
