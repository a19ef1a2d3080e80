package dev.r1serve.reward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.r1serve.reward.grpc.RewardServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** API keys on every route, and the sandbox queue's limit answering 429 with Retry-After over HTTP. */
class RewardHttpLimitsTest {

    @Test
    void everyRouteNeedsABearerKeyWhenTheServerHasKeys() throws Exception {
        RewardHttpFront.Keys keys = k -> k.equals("s3cret") ? Optional.of("team-a") : Optional.empty();
        try (LoopbackFront front = new LoopbackFront(RewardServer.Config.loopback(0), keys)) {
            for (String path :
                    List.of(RewardHttpFront.SCORE_PATH, RewardHttpFront.OPENRLHF_PATH, RewardHttpFront.RUN_CODE_PATH)) {
                LoopbackFront.Reply none = front.post(path, "{}");
                assertEquals(401, none.status(), path);
                assertTrue(
                        none.raw()
                                .headers()
                                .firstValue("WWW-Authenticate")
                                .orElse("")
                                .startsWith("Bearer"),
                        path);
                assertEquals(
                        401,
                        front.post(path, "{}", "Authorization", "Bearer wrong").status(),
                        path);
                assertEquals(
                        400,
                        front.post(path, "{}", "Authorization", "Bearer s3cret").status(),
                        path + ": past auth, the empty body is refused");
            }
            LoopbackFront.Reply ok =
                    front.post(RewardHttpFront.SCORE_PATH, "{\"rollouts\": []}", "Authorization", "bearer s3cret");
            assertEquals(200, ok.status(), ok.raw().body());
            assertTrue(front.post(RewardHttpFront.SCORE_PATH, "{}").raw().body().contains("\"UNAUTHENTICATED\""));
        }
    }

    @Test
    void everyRouteRefusesABodyOverTheGrpcMessageLimitWith413InItsShape() throws Exception {
        String big = "{\"code\": \"" + "x".repeat(RewardServer.MAX_MESSAGE_BYTES) + "\"}";
        try (LoopbackFront front = LoopbackFront.open()) {
            LoopbackFront.Reply score = front.post(RewardHttpFront.SCORE_PATH, big);
            assertEquals(413, score.status());
            assertEquals("body", score.json().at("/error/field").asText());
            for (String path : List.of(RewardHttpFront.OPENRLHF_PATH, RewardHttpFront.RUN_CODE_PATH)) {
                LoopbackFront.Reply r = front.post(path, big);
                assertEquals(413, r.status(), path);
                assertTrue(
                        r.json().get("detail").asText().startsWith("body: over 4194304 bytes"),
                        r.raw().body());
            }
            // just under the limit is read and judged on its content
            String under = "{\"rollouts\": [], \"x\": \"" + "y".repeat(RewardServer.MAX_MESSAGE_BYTES - 40) + "\"}";
            assertEquals(400, front.post(RewardHttpFront.SCORE_PATH, under).status());
        }
    }

    @Test
    void aDeclaredTerabyteIsRefusedAtOnceWithoutReadingIt() throws Exception {
        try (LoopbackFront front = LoopbackFront.open();
                Socket socket = new Socket("127.0.0.1", front.http.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + RewardHttpFront.SCORE_PATH + " HTTP/1.1\r\nHost: x\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{\"rollouts\"")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", head);
        }
    }

    @Test
    void aDeeplyNestedBodyIs400OnEveryRouteNotAStackOverflow() throws Exception {
        int depth = 100_000;
        String deep = "{\"rollouts\": " + "[".repeat(depth) + "]".repeat(depth) + "}";
        try (LoopbackFront front = LoopbackFront.open()) {
            for (String path :
                    List.of(RewardHttpFront.SCORE_PATH, RewardHttpFront.OPENRLHF_PATH, RewardHttpFront.RUN_CODE_PATH)) {
                LoopbackFront.Reply r = front.post(path, deep);
                assertEquals(400, r.status(), path + ": " + r.raw().body());
                assertTrue(
                        r.raw().body().contains("body: not valid JSON: Document nesting depth"),
                        r.raw().body());
            }
        }
    }

    @Test
    void aFullSandboxQueueIs429WithRetryAfter() throws Exception {
        // one worker, one waiting run: of six concurrent two-second runs, some must be refused at once
        RewardServer.Config tight = RewardServer.Config.loopback(0).toBuilder()
                .sandboxWorkers(1)
                .sandboxQueue(1)
                .build();
        try (LoopbackFront front = new LoopbackFront(tight, null);
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            assumeTrue(front.server.hasSandbox(), "bubblewrap (bwrap) is not installed: apt-get install bubblewrap");
            List<CompletableFuture<LoopbackFront.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                replies.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return front.post(
                                        RewardHttpFront.RUN_CODE_PATH,
                                        "{\"code\": \"import time\\ntime.sleep(2)\", \"language\": \"python\"}");
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        callers));
            }
            List<LoopbackFront.Reply> done =
                    replies.stream().map(CompletableFuture::join).toList();
            List<LoopbackFront.Reply> refused =
                    done.stream().filter(r -> r.status() == 429).toList();
            assertTrue(!refused.isEmpty(), "no run was refused");
            assertTrue(done.stream().anyMatch(r -> r.status() == 200), "no run was served");
            for (LoopbackFront.Reply r : refused) {
                assertEquals("1", r.raw().headers().firstValue("Retry-After").orElse(""));
                assertTrue(
                        r.json().get("detail").asText().contains("sandbox queue full"),
                        r.raw().body());
            }
        }
    }
}
