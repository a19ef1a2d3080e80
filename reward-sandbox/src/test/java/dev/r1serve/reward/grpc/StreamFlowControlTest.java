package dev.r1serve.reward.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** ScoreStream against a client that stops reading; and the Prometheus endpoint. */
class StreamFlowControlTest {

    @Test
    void serverStopsReadingWhenTheClientStopsReading() throws Exception {
        try (RewardServer server = RewardServer.start(RewardServer.Config.loopback(0).toBuilder()
                .maxInFlight(8)
                .sandboxQueue(16)
                .metricsPort(0)
                .build())) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .flowControlWindow(64 * 1024)
                    .build();
            AtomicReference<ClientCallStreamObserver<Rollout>> out = new AtomicReference<>();
            AtomicInteger got = new AtomicInteger();
            CompletableFuture<Void> done = new CompletableFuture<>();
            RewardServiceGrpc.newStub(ch).scoreStream(new ClientResponseObserver<Rollout, RolloutResult>() {
                public void beforeStart(ClientCallStreamObserver<Rollout> o) {
                    o.disableAutoRequestWithInitial(0); // read nothing for now
                    out.set(o);
                }

                public void onNext(RolloutResult r) {
                    got.incrementAndGet();
                }

                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                public void onCompleted() {
                    done.complete(null);
                }
            });
            ClientCallStreamObserver<Rollout> o = out.get();
            // Groups of one complete at once; with nobody reading results the server must stop reading rollouts,
            // and our transport must stop being ready long before 100,000 rollouts.
            String padding = "x".repeat(30_000); // big messages fill the HTTP/2 windows after few rollouts
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!o.isReady() && System.nanoTime() < deadline) Thread.sleep(10); // call set-up
            int sent = 0;
            boolean stalled = false;
            while (sent < 100_000 && System.nanoTime() < deadline) {
                if (o.isReady()) {
                    o.onNext(RewardServiceTest.math("r" + sent, "g" + sent, 1, RewardServiceTest.RIGHT + padding));
                    sent++;
                } else {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                    while (!o.isReady() && System.nanoTime() < until) Thread.sleep(5);
                    if (!o.isReady()) {
                        stalled = true;
                        break;
                    }
                }
            }
            assertTrue(
                    stalled && sent > 8,
                    "the server kept reading although nobody read its results (sent " + sent + ")");
            o.onCompleted();
            o.request(Integer.MAX_VALUE);
            done.get(30, TimeUnit.SECONDS);
            assertEquals(sent, got.get());
            HttpResponse<String> metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertTrue(
                    metrics.body().contains("r1_rewards_scored_total{reward=\"accuracy\",task=\"math\"}"),
                    metrics.body());
            if (server.hasSandbox()) {
                assertTrue(metrics.body().contains("r1_sandbox_queue_depth"), metrics.body());
            }
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
