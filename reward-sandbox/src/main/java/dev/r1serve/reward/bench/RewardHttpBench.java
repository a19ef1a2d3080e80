package dev.r1serve.reward.bench;

import com.google.protobuf.util.JsonFormat;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.reward.http.RewardHttpFront;
import dev.r1serve.reward.http.RewardHttpServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Math rewards per second through the HTTP front ({@code POST /v1/rewards:score}, batches of 64 = four groups of
 * 16, a few batches in flight as a trainer's reward workers send them) vs through ScoreStream, on one loopback
 * RewardServer with the same rollouts; the rounds alternate so load on the box hits both alike.
 */
public final class RewardHttpBench {

    public record Result(int rollouts, int batch, int inFlight, double httpPerSecond, double streamPerSecond) {
        public double ratio() {
            return httpPerSecond / streamPerSecond;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "math rewards: HTTP /v1/rewards:score %.0f rollouts/s (batches of %d, %d in flight)"
                            + " vs ScoreStream %.0f rollouts/s; ratio HTTP/ScoreStream %.2f (%d rollouts each, loopback)",
                    httpPerSecond,
                    batch,
                    inFlight,
                    streamPerSecond,
                    ratio(),
                    rollouts);
        }
    }

    private RewardHttpBench() {}

    public static Result run(int rollouts, int batch, int inFlight, int rounds)
            throws IOException, InterruptedException {
        int groupSize = 16;
        if (batch % groupSize != 0)
            throw new IllegalArgumentException("--batch must be a multiple of " + groupSize + ", got " + batch);
        int n = Math.max(batch, rollouts / batch * batch);
        List<String> bodies = new ArrayList<>();
        JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
        for (int b = 0; b < n / batch; b++) {
            ScoreRequest.Builder req = ScoreRequest.newBuilder();
            for (int i = 0; i < batch; i++) req.addRollouts(RewardBench.rollout(b * batch + i, groupSize));
            bodies.add(printer.print(req));
        }
        try (RewardServer server = RewardServer.start(RewardServer.Config.loopback(0));
                RewardHttpServer http =
                        RewardHttpServer.start("127.0.0.1", 0, new RewardHttpFront(server.mounted(), null));
                HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
            URI uri = URI.create("http://127.0.0.1:" + http.port() + RewardHttpFront.SCORE_PATH);
            try {
                RewardBench.stream(ch, Math.min(n, 320), groupSize); // warm-up, both paths
                post(client, uri, bodies.subList(0, Math.min(bodies.size(), 5)), inFlight);
                double httpSeconds = 0;
                double streamSeconds = 0;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    post(client, uri, bodies, inFlight);
                    long t1 = System.nanoTime();
                    RewardBench.stream(ch, n, groupSize);
                    long t2 = System.nanoTime();
                    httpSeconds += (t1 - t0) / 1e9;
                    streamSeconds += (t2 - t1) / 1e9;
                }
                return new Result(n, batch, inFlight, n * rounds / httpSeconds, n * rounds / streamSeconds);
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void post(HttpClient client, URI uri, List<String> bodies, int inFlight)
            throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (String body : bodies) {
            slots.acquire();
            HttpRequest req = HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            all.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
                slots.release();
                if (err != null) throw new IllegalStateException("HTTP score failed", err);
                if (resp.statusCode() != 200)
                    throw new IllegalStateException("HTTP " + resp.statusCode() + ": " + resp.body());
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }
}
