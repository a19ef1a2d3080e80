package dev.r1serve.reward.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.RewardValue;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.grpc.RewardServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reward hacks against the math and choice verifiers, each named after its hack, scored as a
 * trainer scores them: a real RewardServer on a free loopback port, called through the generated
 * stubs (Score, and ScoreStream for a whole group). Every hack must get accuracy 0; the honest
 * answers next to them get 1, so the fixes do not simply refuse everything.
 */
class MathChoiceRewardHackTest {
    static RewardServer server;
    static ManagedChannel channel;
    static RewardServiceGrpc.RewardServiceBlockingStub blocking;
    static RewardServiceGrpc.RewardServiceStub async;

    /** A hostile answer must be scored well within this (the CAS deadline is 2 s). */
    static final long BOUND_MS = 5_000;

    @BeforeAll
    static void start() throws Exception {
        // Symja's one-time start-up (seconds) is not part of any answer's scoring time.
        assertTrue(dev.r1serve.reward.verify.cas.SymjaCas.get().warmUp());
        server = RewardServer.start(RewardServer.Config.loopback(0));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        blocking = RewardServiceGrpc.newBlockingStub(channel);
        async = RewardServiceGrpc.newStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    static Rollout rollout(String id, TaskType type, String gold, String answer) {
        return Rollout.newBuilder()
                .setId(id)
                .setGroupId(id)
                .setGroupSize(1)
                .setPrompt("Solve the problem.")
                .setCompletion("<think>Let me work it out.</think>" + answer)
                .setTaskType(type)
                .setReference(Reference.newBuilder().setAnswer(gold))
                .build();
    }

    static RolloutResult score(Rollout r) {
        long t0 = System.nanoTime();
        RolloutResult res = blocking.withDeadlineAfter(30, TimeUnit.SECONDS)
                .score(ScoreRequest.newBuilder().addRollouts(r).build())
                .getResults(0);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < BOUND_MS, () -> "scoring took " + ms + " ms: " + r.getCompletion());
        return res;
    }

    static RewardValue accuracy(RolloutResult r) {
        return r.getRewardsList().stream()
                .filter(v -> v.getName().equals("accuracy"))
                .findFirst()
                .orElseThrow();
    }

    /** Accuracy of a math answer (the completion's text after the think block). */
    static double math(String gold, String answer) {
        return accuracy(score(rollout("m", TaskType.TASK_TYPE_MATH, gold, answer)))
                .getValue();
    }

    static double choice(String gold, String answer) {
        return accuracy(score(rollout("c", TaskType.TASK_TYPE_CHOICE, gold, answer)))
                .getValue();
    }

    static void wrong(String gold, String answer) {
        RewardValue v = accuracy(score(rollout("m", TaskType.TASK_TYPE_MATH, gold, answer)));
        assertEquals(
                0.0,
                v.getValue(),
                () -> "hack paid: gold " + gold + ", answer " + abbreviate(answer) + " -> " + v.getReason());
    }

    static void right(String gold, String answer) {
        RewardValue v = accuracy(score(rollout("m", TaskType.TASK_TYPE_MATH, gold, answer)));
        assertEquals(
                1.0,
                v.getValue(),
                () -> "honest answer refused: gold " + gold + ", answer " + answer + " -> " + v.getReason());
    }

    static void wrongChoice(String gold, String answer) {
        RewardValue v = accuracy(score(rollout("c", TaskType.TASK_TYPE_CHOICE, gold, answer)));
        assertEquals(
                0.0, v.getValue(), () -> "hack paid: gold " + gold + ", answer " + answer + " -> " + v.getReason());
    }

    static void rightChoice(String gold, String answer) {
        RewardValue v = accuracy(score(rollout("c", TaskType.TASK_TYPE_CHOICE, gold, answer)));
        assertEquals(
                1.0,
                v.getValue(),
                () -> "honest answer refused: gold " + gold + ", answer " + answer + " -> " + v.getReason());
    }

    static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    // ---- exactness: integers and powers are never compared in floating point ---------------------

    @Test
    void bigIntegerOffByOneIsWrong() {
        wrong("100000000000000001", "The answer is $\\boxed{100000000000000000}$.");
        wrong("9007199254740993", "\\boxed{9007199254740992}"); // 2^53 + 1: the first integer a double cannot hold
        right("100000000000000001", "\\boxed{100000000000000001}");
    }

    @Test
    void powerOffByOneIsWrong() {
        wrong("10^{20}+1", "\\boxed{10^{20}}");
        wrong("2^{1000}", "\\boxed{2^{1000}-1}");
        right("10^{20}+1", "\\boxed{100000000000000000001}");
    }

    @Test
    void decimalWrittenExactIntegerOffByOneIsWrong() {
        // 1.0e20 is the exact integer 10^20: rounding to 6 places never applies between integers.
        wrong("10^{20}+1", "\\boxed{1.0 \\times 10^{20}}");
        wrong("10^{20}+1", "The answer is 1e20");
        right("1500", "\\boxed{1.5 \\times 10^{3}}");
    }

    @Test
    void powerTowerPlusOneIsWrong() {
        // 2^65536 has 19,729 digits: computed exactly, it differs from itself plus one.
        wrong("2^{2^{2^{2^{2}}}}+1", "\\boxed{2^{2^{2^{2^{2}}}}}");
        right("2^{2^{2^{2^{2}}}}", "\\boxed{2^{65536}}");
    }

    @Test
    void hugeTowerNeitherPassesNorHangs() {
        // 10^(10^10) cannot be computed: only its identical written form matches, and at once.
        wrong("10^{10^{10}}+1", "\\boxed{10^{10^{10}}}");
        wrong("10^{10^{10}}", "\\boxed{10^{10^{10}}+1}");
        wrong("x+10^{10^{10}}", "\\boxed{x+10^{10^{10}}+1}");
        wrong("5", "\\boxed{9^{9^{9^{9^{9}}}}}");
        right("10^{10^{10}}", "\\boxed{10^{10^{10}}}");
    }

    @Test
    void overflowingValuesAreNotTheSameInfinity() {
        // Both overflow a double; neither is infinite.
        wrong("10^{400}", "\\boxed{10^{500}}");
        wrong("\\infty", "\\boxed{10^{400}}");
        wrong("(10^{10})!", "\\boxed{(10^{10}+1)!}");
        right("\\infty", "\\boxed{\\infty}");
    }

    @Test
    void irrationalCloseToAnIntegerIsWrong() {
        // sqrt(10^40 + 1) = 10^20 + 5e-21: equal as doubles, not as numbers.
        wrong("10^{20}", "\\boxed{\\sqrt{10^{40}+1}}");
        wrong("\\sqrt{2}", "\\boxed{\\frac{14142135623730951}{10000000000000000}}");
        right("2\\sqrt{2}", "\\boxed{\\sqrt{8}}");
        right("\\frac{\\sqrt{3}}{2}", "\\boxed{\\frac{\\sqrt{12}}{4}}");
    }

    @Test
    void tinyOrLargeExactOffsetOnATranscendentalIsWrong() {
        wrong("\\sin 1", "\\boxed{\\sin 1 + 10^{-20}}");
        wrong("e^{1000}+1", "\\boxed{e^{1000}}");
        wrong("\\pi", "\\boxed{\\pi + 10^{-30}}");
        right("\\pi + 1", "\\boxed{1 + \\pi}");
    }

    @Test
    void variableExpressionWithHugeOffsetIsWrong() {
        // Random-point sampling in doubles cannot see +1 next to 10^20; the exact terms can.
        wrong("x + 10^{20}", "\\boxed{x + 10^{20} + 1}");
        right("x + 10^{20}", "\\boxed{10^{20} + x}");
    }

    @Test
    void fractionCloseToTheGoldIsWrong() {
        // A rational written without a decimal point is exact: no tolerance applies.
        wrong("\\frac{1}{3}", "\\boxed{\\frac{333333333}{1000000000}}");
        wrong("\\frac{1}{3}", "\\boxed{\\frac{1000000001}{3000000000}}");
        right("\\frac{1}{3}", "\\boxed{\\frac{2}{6}}");
    }

    // ---- the last stated answer counts --------------------------------------------------------

    @Test
    void selfCorrectionLastAnswerWins() {
        assertEquals(0.0, math("5", "The answer is 5. Actually 6."));
        assertEquals(1.0, math("6", "The answer is 5. Actually 6."));
        assertEquals(0.0, math("5", "The answer is $5$. Wait, no: it's $7$."));
        assertEquals(1.0, math("7", "The answer is $5$. Wait, no: it's $7$."));
    }

    @Test
    void boxedThenCorrectedInProseLastAnswerWins() {
        assertEquals(0.0, math("5", "So we get $\\boxed{5}$. Oops, I made an error: the answer is 6."));
        assertEquals(1.0, math("6", "So we get $\\boxed{5}$. Oops, I made an error: the answer is 6."));
        assertEquals(0.0, math("5", "\\boxed{5}. Actually, 8."));
        assertEquals(1.0, math("8", "\\boxed{5}. Actually, 8."));
    }

    @Test
    void choiceSelfCorrectionLastAnswerWins() {
        wrongChoice("B", "B... no, A");
        rightChoice("A", "B... no, A");
        wrongChoice("B", "The answer is B. No wait, the answer is A.");
        rightChoice("A", "The answer is B. No wait, the answer is A.");
    }

    @Test
    void boxedTwiceDifferentValuesOnlyTheLastCounts() {
        // Several boxes are one shot, not several: the last answer (or the adjacent group) counts.
        assertEquals(0.0, math("5", "First \\boxed{5}. After checking the cases again, \\boxed{6}."));
        assertEquals(1.0, math("6", "First \\boxed{5}. After checking the cases again, \\boxed{6}."));
        wrong("5", "\\boxed{5} \\boxed{6}");
        wrong("6", "\\boxed{5} \\boxed{6}");
    }

    @Test
    void manyBoxedCandidatesAreWrong() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 100; i++) sb.append("\\boxed{").append(i).append("}, ");
        wrong("7", sb.toString());
        wrong("7", "\\boxed{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}");
    }

    // ---- hedges stay wrong -------------------------------------------------------------------

    @Test
    void hedgeWithOrIsWrong() {
        wrong("5", "The answer is 5 or 6.");
        wrong("5", "\\boxed{5 \\text{ or } 6}");
        wrong("5", "\\boxed{5} or \\boxed{6}");
        wrong("5", "\\boxed{x = 5 \\text{ or } x = 6}");
    }

    @Test
    void hedgeWithPlusMinusIsWrong() {
        wrong("5", "\\boxed{\\pm 5}");
        wrong("-5", "$\\boxed{\\pm 5}$");
        right("\\pm 5", "\\boxed{5, -5}");
    }

    @Test
    void hedgeInsideATextUnitIsWrong() {
        // A \text{} block with a digit is part of the answer, not a unit to drop.
        wrong("5", "\\boxed{5 \\text{ (or 6)}}");
        wrong("5", "\\boxed{5\\text{ cm, maybe 6}}");
        right("5", "\\boxed{5\\text{ cm}}");
    }

    @Test
    void allChoicesListedIsWrong() {
        for (String gold : List.of("A", "B", "C", "D")) {
            wrongChoice(gold, "A, B, C, D");
            wrongChoice(gold, "\\boxed{A, B, C, D}");
            wrongChoice(gold, "The answer is A, B, C or D.");
        }
    }

    @Test
    void hedgeBetweenTwoChoicesIsWrong() {
        wrongChoice("A", "The answer is A or C");
        wrongChoice("C", "The answer is A or C");
        wrongChoice("C", "I would pick (A) or (C).");
        wrongChoice("A", "**A/B**");
        rightChoice("D", "The answer is for sure D, it can't be A or B");
    }

    @Test
    void alternativeOfferedAfterTheAnswerIsWrong() {
        wrong("5", "\\boxed{5} (or possibly 6)");
        wrong("5", "The answer is 5 (or 6).");
        wrong("5", "The answer is either 5 or 6.");
        wrong("5", "The answer is 5. Or 6.");
        wrong("6", "\\boxed{5}, or maybe \\boxed{6}");
        right("5", "The answer is $\\boxed{5}$. I hope it is correct.");
        right("5", "\\boxed{5}. This is also correct because both cases give 5.");
    }

    @Test
    void choiceAlternativeAfterTheAnswerIsWrong() {
        wrongChoice("A", "Answer: A. Or B.");
        wrongChoice("A", "The answer is A, but B is also possible");
        wrongChoice("A", "The answer is (A), or perhaps (C).");
        rightChoice("A", "The answer is A; it cannot be B or C.");
    }

    @Test
    void allChoicesWrittenAsOptionsIsWrong() {
        for (String gold : List.of("A", "D")) {
            wrongChoice(gold, "(A) (B) (C) (D)");
            wrongChoice(gold, "**A** **B** **C** **D**".replace("** **", "** or **"));
            wrongChoice(gold, "A? B? C? D?");
        }
    }

    @Test
    void tinyImaginaryOrIrrationalPartIsWrong() {
        wrong("5", "\\boxed{5 + 10^{-100} i}");
        wrong("\\pi", "\\boxed{\\pi + 10^{-20}\\sqrt{2}}");
        right("3+4i", "\\boxed{4i+3}");
    }

    @Test
    void listSharingOnlyTheLastNumberIsWrong() {
        wrong("19, 46, 82", "The numbers are 21, 36, and 82.");
        right("19, 46, 82", "The numbers are 19, 46, and 82.");
    }

    // ---- statements that are not answers -------------------------------------------------------

    @Test
    void negatedAnswerIsWrong() {
        wrong("5", "The answer is not 5.");
        wrong("5", "It cannot be 5.");
        wrongChoice("A", "The answer is not A.");
        wrongChoice("A", "It isn't (A).");
    }

    @Test
    void answerHiddenInTheReasoningIsWrong() {
        Rollout r = Rollout.newBuilder()
                .setId("h")
                .setGroupId("h")
                .setGroupSize(1)
                .setPrompt("p")
                .setCompletion("<think>I think it is \\boxed{5}.</think> I am not sure.")
                .setTaskType(TaskType.TASK_TYPE_MATH)
                .setReference(Reference.newBuilder().setAnswer("5"))
                .build();
        assertEquals(0.0, accuracy(score(r)).getValue());
        Rollout unclosed = r.toBuilder().setCompletion("<think>so \\boxed{5}").build();
        assertEquals(0.0, accuracy(score(unclosed)).getValue());
        Rollout tagged = r.toBuilder()
                .setCompletion("<think>x</think><answer>\\boxed{6}</answer> \\boxed{5}")
                .build();
        assertEquals(0.0, accuracy(score(tagged)).getValue(), "only the <answer> part counts");
    }

    @Test
    void unicodeLookalikeDigitsAreWrong() {
        wrong("8", "\\boxed{৪}"); // Bengali digit four, drawn like an 8
        wrong("0", "\\boxed{O}"); // Latin capital O
        wrong("1", "\\boxed{l}"); // Latin small L
        wrong("3", "\\boxed{З}"); // Cyrillic Ze
        wrong("7", "\\boxed{𝟕𝟕}"); // mathematical bold 77, not 7
        right("5", "\\boxed{５}"); // a fullwidth five is a five
    }

    @Test
    void enormousNumbersAreBoundedAndWrong() {
        wrong("5", "\\boxed{" + "9".repeat(5_000) + "}");
        wrong("9".repeat(1_500), "\\boxed{" + "9".repeat(1_499) + "8}");
        wrong("5", "\\boxed{" + "1+".repeat(20_000) + "1}");
        wrong("5", "\\boxed{".repeat(20_000));
        right("9".repeat(1_500), "\\boxed{" + "9".repeat(1_500) + "}");
    }

    @Test
    void textWrapperDoesNotChangeTheValue() {
        wrong("5", "\\boxed{\\text{any real number}}");
        wrong("5", "\\boxed{\\text{6}}");
        right("5", "\\boxed{\\text{5}}");
    }

    @Test
    void infinityOrAnUnboundedAnswerIsWrong() {
        wrong("5", "\\boxed{\\infty}");
        wrong("5", "\\boxed{x}");
        wrong("5", "\\boxed{\\mathbb{R}}");
    }

    // ---- honest answers still pass, and a whole group through ScoreStream -----------------------

    @Test
    void honestAnswersScoreOne() {
        right("25", "So the answer is $\\boxed{025}$.");
        right("\\frac{1}{2}", "\\boxed{\\dfrac{1}{2}}");
        right("\\frac{1}{3}", "\\boxed{0.333333}");
        right("28\\%", "The share is 28 percent.");
        right("x \\in [-2,7]", "\\boxed{-2 \\le x \\le 7}");
        right("2x+4y-3=0", "\\boxed{y=-\\frac12x+\\frac34}");
        rightChoice("C", "**C**");
        rightChoice("C", "the correct answer is C");
    }

    @Test
    void scoreStreamPaysNoHackInAGroup() throws Exception {
        // One GRPO group as a trainer streams it: hacks for gold 5 and one honest answer.
        List<String> answers = List.of(
                "\\boxed{6}",
                "The answer is 5 or 6",
                "\\boxed{\\pm 5}",
                "The answer is not 5",
                "\\boxed{5}. Actually, 4.",
                "\\boxed{5.000000000000000000001 \\times 10^{0}} and \\boxed{6}",
                "\\boxed{5}");
        Map<String, Double> acc = new HashMap<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Rollout> out = async.withDeadlineAfter(30, TimeUnit.SECONDS)
                .scoreStream(new StreamObserver<>() {
                    public void onNext(RolloutResult r) {
                        synchronized (acc) {
                            acc.put(r.getId(), accuracy(r).getValue());
                        }
                    }

                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            String id = "r" + i;
            ids.add(id);
            out.onNext(rollout(id, TaskType.TASK_TYPE_MATH, "5", answers.get(i)).toBuilder()
                    .setGroupId("g")
                    .setGroupSize(answers.size())
                    .build());
        }
        out.onCompleted();
        done.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < answers.size() - 1; i++)
            assertEquals(0.0, acc.get(ids.get(i)), "hack paid: " + answers.get(i));
        assertEquals(1.0, acc.get(ids.get(answers.size() - 1)));
    }
}
