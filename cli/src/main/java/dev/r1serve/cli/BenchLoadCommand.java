package dev.r1serve.cli;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A bounded load generator: N concurrent GenerateStream calls for T seconds against a server on this
 * machine (loopback only), printing throughput, latency percentiles and the count of each status.
 * Without --server it hosts stories260K itself and compares an unloaded run with one at 10x capacity.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description =
                "Drive N concurrent streams for T seconds against a loopback server; print throughput, p50/p99, statuses.")
final class BenchLoadCommand implements Callable<Integer> {

    @Option(
            names = "--server",
            description = "HOST:PORT of a running server on this machine (default: host one in-process).")
    String server;

    @Option(names = "--model", defaultValue = "stories260k", description = "Model name (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--concurrency",
            description = "Concurrent streams (default: 10x the in-process server's capacity, or 64).")
    Integer concurrency;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Duration of the loaded phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens per sample (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--max-requests",
            defaultValue = "100000",
            description = "Stop after this many requests in any case.")
    int maxRequests;

    private static final java.util.concurrent.ScheduledExecutorService RETRY_TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().factory());

    /** Slots and queue of the in-process server: its capacity is their sum. */
    private static final int SLOTS = 4;

    private static final int QUEUE = 16;

    @Override
    public Integer call() throws Exception {
        R1Server own = null;
        String target = server;
        if (target == null) {
            own = R1Server.onPort(
                            "127.0.0.1",
                            0,
                            ModelLoader.loadAll(List.of(ModelConfig.builder(model)
                                    .option("path", BuiltinModels.STORIES_260K)
                                    .option("slots", SLOTS)
                                    .queueCapacity(QUEUE)
                                    .build())),
                            64)
                    .start();
            target = "127.0.0.1:" + own.port();
        } else if (!isLoopback(target)) {
            System.err.println("error: --server must be on this machine (loopback), got " + target);
            return 2;
        }
        int capacity = SLOTS + QUEUE;
        int loaded = concurrency != null ? concurrency : own != null ? 10 * capacity : 64;
        ManagedChannel channel =
                NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            long heapBefore = usedHeapAfterGc();
            Result unloaded = run(channel, 1, Math.max(2, seconds / 3));
            Result busy = run(channel, loaded, seconds);
            long heapAfter = usedHeapAfterGc();
            print("unloaded (1 stream)", unloaded);
            print("loaded (" + loaded + " streams" + (own != null ? ", 10x capacity " + capacity : "") + ")", busy);
            if (own != null) {
                System.out.printf(
                        "p99 of accepted, loaded vs unloaded: %.1f ms vs %.1f ms (x%.2f)%n",
                        busy.p(0.99), unloaded.p(0.99), busy.p(0.99) / unloaded.p(0.99));
                System.out.printf(
                        "server heap used (after GC): before %.1f MB, after %.1f MB%n",
                        heapBefore / 1e6, heapAfter / 1e6);
            }
        } finally {
            channel.shutdownNow();
            if (own != null) {
                own.close();
            }
        }
        return 0;
    }

    private record Result(
            List<Double> okMillis,
            List<Double> rejectMillis,
            Map<String, Integer> statuses,
            double seconds,
            long tokens) {
        double p(double q) {
            if (okMillis.isEmpty()) {
                return Double.NaN;
            }
            List<Double> s = new ArrayList<>(okMillis);
            Collections.sort(s);
            return s.get(Math.min(s.size() - 1, (int) Math.floor(q * s.size())));
        }
    }

    private Result run(ManagedChannel channel, int streams, int durationSeconds) throws InterruptedException {
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModel(model)
                .setPrompt("")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(maxTokens))
                .build();
        Semaphore slots = new Semaphore(streams);
        List<Double> ok = Collections.synchronizedList(new ArrayList<>());
        List<Double> rejected = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
        long[] tokens = {0};
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(durationSeconds);
        int sent = 0;
        var stub = InferenceServiceGrpc.newStub(channel);
        while (System.nanoTime() < end && sent < maxRequests) {
            if (!slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                continue;
            }
            sent++;
            long t0 = System.nanoTime();
            stub.withDeadlineAfter(60, TimeUnit.SECONDS).generateStream(request, new StreamObserver<>() {
                @Override
                public void onNext(GenerateChunk c) {
                    if (c.hasFinal()) {
                        synchronized (tokens) {
                            tokens[0] += c.getFinal().getUsage().getCompletionTokens();
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    Status.Code code = Status.fromThrowable(t).getCode();
                    statuses.merge(code.name(), 1, Integer::sum);
                    if (code != Status.Code.RESOURCE_EXHAUSTED) {
                        slots.release();
                        return;
                    }
                    rejected.add((System.nanoTime() - t0) / 1e6);
                    // A well-behaved client waits as long as the server's retry hint says (capped at 1 s).
                    io.grpc.Metadata trailers = Status.trailersFromThrowable(t);
                    String hint = trailers == null
                            ? null
                            : trailers.get(dev.r1serve.proto.errors.ErrorDetails.RETRY_AFTER_MS_KEY);
                    long wait = hint == null ? 100 : Math.min(1000, Long.parseLong(hint));
                    RETRY_TIMER.schedule((Runnable) slots::release, wait, TimeUnit.MILLISECONDS);
                }

                @Override
                public void onCompleted() {
                    statuses.merge("OK", 1, Integer::sum);
                    ok.add((System.nanoTime() - t0) / 1e6);
                    slots.release();
                }
            });
        }
        slots.acquire(streams); // wait for the calls in flight
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(new ArrayList<>(ok), new ArrayList<>(rejected), new TreeMap<>(statuses), elapsed, tokens[0]);
    }

    private static void print(String title, Result r) {
        int total = r.statuses().values().stream().mapToInt(Integer::intValue).sum();
        long fast = r.rejectMillis().stream().filter(ms -> ms < 50).count();
        System.out.printf(
                "%s: %d requests in %.1f s, %.1f req/s ok, %.0f tokens/s, p50 %.1f ms, p99 %.1f ms, statuses %s%n",
                title,
                total,
                r.seconds(),
                r.okMillis().size() / r.seconds(),
                r.tokens() / r.seconds(),
                r.p(0.5),
                r.p(0.99),
                r.statuses());
        if (!r.rejectMillis().isEmpty()) {
            System.out.printf(
                    "  rejected: %d (%.1f%% of requests), %.1f%% of them within 50 ms%n",
                    r.rejectMillis().size(),
                    100.0 * r.rejectMillis().size() / total,
                    100.0 * fast / r.rejectMillis().size());
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static boolean isLoopback(String target) {
        String host = target.startsWith("[") ? target.substring(1, target.indexOf(']')) : target.split(":")[0];
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }
}
