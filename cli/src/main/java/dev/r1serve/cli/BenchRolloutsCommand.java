package dev.r1serve.cli;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.rollout.RolloutConfig;
import dev.r1serve.rollout.RolloutService;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.ServerOptions;
import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.scheduling.Scheduler;
import dev.r1serve.server.scheduling.SchedulerConfig;
import dev.r1serve.testkit.ScriptedEngine;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code r1 bench rollouts}: GRPO groups per second end to end through one Rollouts stream, against the same
 * groups done by a client as Generate (n = G) followed by ScoreStream, on one loopback server whose engine is
 * instant (generation costs nothing, rewards are real: each sample's boxed answer is verified).
 */
@Command(
        name = "rollouts",
        mixinStandardHelpOptions = true,
        description = "Groups of G per second through RolloutService.Rollouts vs Generate + ScoreStream by a client,"
                + " instant engine, real rewards; prints both rates and their ratio.")
final class BenchRolloutsCommand implements Callable<Integer> {

    @Option(names = "--groups", defaultValue = "2000", description = "Groups per round (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(
            names = "--group-size",
            defaultValue = "8",
            description = "G, samples per group (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(
            names = "--in-flight",
            defaultValue = "64",
            description = "Groups in flight in both modes (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Measured rounds of each, alternating, after one warm-up (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (groups < 1 || groupSize < 1 || inFlight < 1 || rounds < 1) {
            throw new IllegalArgumentException("--groups, --group-size, --in-flight and --rounds must be >= 1");
        }
        ScriptedEngine engine = ScriptedEngine.instant();
        ModelRegistry registry = new ModelRegistry()
                .add(new HostedModel(
                        "bench",
                        "instant",
                        engine,
                        ChatTemplate.DEEPSEEK_R1,
                        engine.contextLength(),
                        new Scheduler(
                                engine,
                                new SchedulerConfig(
                                        Math.max(SchedulerConfig.DEFAULT_QUEUE_CAPACITY, 2 * inFlight * groupSize),
                                        SchedulerConfig.DEFAULT_TIMEOUT))));
        try (RewardServer.Mounted rewards = RewardServer.mountable(RewardServer.Config.loopback(0));
                R1Server server = R1Server.onPort(
                                "127.0.0.1",
                                0,
                                registry,
                                Math.max(64, groupSize),
                                ServerOptions.DEFAULTS,
                                List.of(
                                        (g, v) -> rewards.service(),
                                        RolloutService.factory(
                                                rewards,
                                                RolloutConfig.DEFAULT.withMaxGroupsInFlight(Math.max(inFlight, 1)))))
                        .start();
                R1Client client = R1Client.builder("127.0.0.1:" + server.port())
                        .defaultDeadline(Duration.ofHours(1))
                        .build()) {
            System.out.printf(
                    Locale.ROOT,
                    "%d groups of G = %d per round, %d in flight, instant engine, math rewards%n",
                    groups,
                    groupSize,
                    inFlight);
            rollouts(client, 0);
            separate(client, 0);
            double[] one = new double[rounds];
            double[] two = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                one[r] = rollouts(client, r + 1);
                two[r] = separate(client, r + 1);
                System.out.printf(
                        Locale.ROOT,
                        "round %d: Rollouts %.0f groups/s, Generate + ScoreStream %.0f groups/s%n",
                        r + 1,
                        one[r],
                        two[r]);
            }
            double a = median(one);
            double b = median(two);
            System.out.printf(
                    Locale.ROOT,
                    "Rollouts: %.0f groups/s (%.0f samples/s); Generate + ScoreStream: %.0f groups/s;"
                            + " ratio %.2f (median of %d)%n",
                    a,
                    a * groupSize,
                    b,
                    a / b,
                    rounds);
        }
        return 0;
    }

    private GenerateRequest generate(int round, int i) {
        return GenerateRequest.newBuilder()
                .setModel("bench")
                .setChat(ChatMessages.newBuilder()
                        .addMessages(ChatMessage.newBuilder()
                                .setRole("user")
                                .setContent("Round " + round + ", question " + i + ": what is " + i + " mod 20?")))
                .setSampling(SamplingParams.newBuilder()
                        .setN(groupSize)
                        .setSeed(round * 100_000L + i)
                        .setMaxTokens(64))
                .build();
    }

    private static Reference reference(int i) {
        return Reference.newBuilder().setAnswer(Integer.toString(i % 20)).build();
    }

    /** One Rollouts stream through the Java SDK; groups per second. */
    private double rollouts(R1Client client, int round) throws Exception {
        List<RolloutRequest> requests = new ArrayList<>(groups);
        for (int i = 0; i < groups; i++) {
            requests.add(RolloutRequest.newBuilder()
                    .setId(Integer.toString(i))
                    .setGenerate(generate(round, i))
                    .setTaskType(TaskType.TASK_TYPE_MATH)
                    .setReference(reference(i))
                    .build());
        }
        AtomicInteger received = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        client.rollouts(requests, inFlight, null).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(RolloutGroup g) {
                received.incrementAndGet();
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
        done.get(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (received.get() != groups) throw new IllegalStateException("got " + received + " of " + groups + " groups");
        return groups / seconds;
    }

    /**
     * What a trainer does without the RolloutService: Generate with n = G (async, {@code inFlight} at once), then
     * the G completions, with the rendered prompt, into one ScoreStream call; a group is done when its G results
     * (with advantages) are back.
     */
    private double separate(R1Client client, int round) throws Exception {
        Semaphore window = new Semaphore(inFlight);
        Map<String, AtomicInteger> pending = new ConcurrentHashMap<>();
        AtomicInteger finished = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        var generateStub = InferenceServiceGrpc.newStub(client.channel()).withDeadlineAfter(1, TimeUnit.HOURS);
        long t0 = System.nanoTime();
        StreamObserver<Rollout> scoring = RewardServiceGrpc.newStub(client.channel())
                .withDeadlineAfter(1, TimeUnit.HOURS)
                .scoreStream(new StreamObserver<>() {
                    @Override
                    public void onNext(RolloutResult r) {
                        if (pending.get(r.getGroupId()).decrementAndGet() == 0) {
                            pending.remove(r.getGroupId());
                            window.release();
                            if (finished.incrementAndGet() == groups) done.complete(null);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        for (int i = 0; i < groups; i++) {
            window.acquire();
            if (done.isCompletedExceptionally()) break;
            String id = Integer.toString(i);
            Reference ref = reference(i);
            pending.put(id, new AtomicInteger(groupSize));
            generateStub.generate(generate(round, i), new StreamObserver<>() {
                @Override
                public void onNext(GenerateResponse response) {
                    synchronized (scoring) {
                        for (var s : response.getSamplesList()) {
                            scoring.onNext(Rollout.newBuilder()
                                    .setId(id + "#" + s.getIndex())
                                    .setGroupId(id)
                                    .setGroupSize(groupSize)
                                    .setPrompt(response.getRenderedPrompt())
                                    .setCompletion(s.getText())
                                    .setTaskType(TaskType.TASK_TYPE_MATH)
                                    .setReference(ref)
                                    .build());
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {}
            });
        }
        done.get(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        synchronized (scoring) {
            scoring.onCompleted();
        }
        return groups / seconds;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
