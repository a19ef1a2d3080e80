package dev.r1serve.reward.bench;

import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.grpc.RewardServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Math rewards scored per second through ScoreStream on loopback: a real RewardServer, a client that streams
 * groups of 16 R1-style completions (half right, half wrong; varied answers) and respects flow control.
 */
public final class RewardBench {

    public record Result(int rollouts, double seconds, double perSecond) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "ScoreStream math rewards: %d rollouts in %.2f s = %.0f rollouts/s (groups of 16, loopback)",
                    rollouts,
                    seconds,
                    perSecond);
        }
    }

    /** Code rewards: each rollout's answer run against a HumanEval-style function-call test in the sandbox. */
    public record CodeResult(int rollouts, double seconds, double perSecond) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "ScoreStream code rewards (HumanEval-style check(candidate), sandboxed): "
                            + "%d rollouts in %.2f s = %.1f rollouts/s (groups of 8, loopback)",
                    rollouts,
                    seconds,
                    perSecond);
        }
    }

    private RewardBench() {}

    /** Code rewards per second: groups of 8, half the answers right, half wrong, each one test with 5 asserts. */
    public static CodeResult runCode(int rollouts) throws IOException, InterruptedException {
        int groupSize = 8;
        int n = Math.max(groupSize, rollouts / groupSize * groupSize);
        double s = timedStream(n, groupSize * 2, groupSize, RewardBench::codeRollout);
        return new CodeResult(n, s, n / s);
    }

    /** Seconds to stream {@code n} rollouts through a fresh loopback RewardServer, after a warm-up of {@code warmUp}. */
    private static double timedStream(
            int n, int warmUp, int groupSize, java.util.function.BiFunction<Integer, Integer, Rollout> rollouts)
            throws IOException, InterruptedException {
        try (RewardServer server = RewardServer.start(RewardServer.Config.loopback(0))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
            try {
                stream(ch, warmUp, groupSize, rollouts);
                long t0 = System.nanoTime();
                stream(ch, n, groupSize, rollouts);
                return (System.nanoTime() - t0) / 1e9;
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    static final String CODE_TEST = "def check(candidate):\n"
            + "    assert candidate([1, 2, 3]) == [1, 4, 9]\n    assert candidate([]) == []\n"
            + "    assert candidate([-2]) == [4]\n    assert candidate(list(range(10)))[-1] == 81\n"
            + "    assert candidate([10**20]) == [10**40]\n";

    static Rollout codeRollout(int i, int groupSize) {
        String body = i % 2 == 0 ? "return [x * x for x in xs]" : "return [x * 2 for x in xs]";
        String completion = "<think>Square each element.</think><answer>```python\ndef squares(xs):\n    " + body
                + "\n```</answer>";
        return Rollout.newBuilder()
                .setId(Integer.toString(i))
                .setGroupId("c" + i / groupSize)
                .setGroupSize(groupSize)
                .setPrompt("Write squares(xs).")
                .setCompletion(completion)
                .setTaskType(TaskType.TASK_TYPE_CODE)
                .setReference(Reference.newBuilder()
                        .addTests(dev.r1serve.proto.v1.CodeTest.newBuilder()
                                .setTestCode(CODE_TEST)
                                .setEntryPoint("squares")))
                .build();
    }

    public static Result run(int rollouts) throws IOException, InterruptedException {
        int groupSize = 16;
        int n = Math.max(groupSize, rollouts / groupSize * groupSize);
        double s = timedStream(n, Math.min(n, 320), groupSize, RewardBench::rollout);
        return new Result(n, s, n / s);
    }

    static void stream(ManagedChannel ch, int n, int groupSize) throws InterruptedException {
        stream(ch, n, groupSize, RewardBench::rollout);
    }

    private static void stream(
            ManagedChannel ch, int n, int groupSize, java.util.function.BiFunction<Integer, Integer, Rollout> rollouts)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        AtomicReference<Throwable> error = new AtomicReference<>();
        RewardServiceGrpc.newStub(ch).scoreStream(new ClientResponseObserver<Rollout, RolloutResult>() {
            int sent;

            @Override
            public void beforeStart(ClientCallStreamObserver<Rollout> out) {
                // send only while the transport is ready: the server's flow control paces us
                out.setOnReadyHandler(() -> {
                    while (out.isReady() && sent < n) {
                        out.onNext(rollouts.apply(sent, groupSize));
                        sent++;
                    }
                    if (sent == n) {
                        sent++;
                        out.onCompleted();
                    }
                });
            }

            @Override
            public void onNext(RolloutResult r) {
                received.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
                error.set(t);
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        done.await();
        if (error.get() != null) throw new IllegalStateException("stream failed", error.get());
        if (received.get() != n) throw new IllegalStateException("got " + received.get() + " of " + n + " results");
    }

    static Rollout rollout(int i, int groupSize) {
        int q = i / groupSize;
        int gold = 17 + q % 83;
        int answer = i % 2 == 0 ? gold : gold + 1;
        String completion = "<think>We need " + (gold - 7) + " + 7. Adding gives the total, which is " + answer
                + ".</think><answer>The answer is $\\boxed{" + answer + "}$.</answer>";
        return Rollout.newBuilder()
                .setId(Integer.toString(i))
                .setGroupId("q" + q)
                .setGroupSize(groupSize)
                .setPrompt("What is " + (gold - 7) + " + 7?")
                .setCompletion(completion)
                .setTaskType(TaskType.TASK_TYPE_MATH)
                .setReference(Reference.newBuilder().setAnswer(Integer.toString(gold)))
                .setTargetLanguage("en")
                .build();
    }
}
