package dev.r1serve.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.client.ScriptedInferenceServer.Step;
import dev.r1serve.proto.v1.GenerateRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retries only where safe, the server's retry hint, and round-robin over replicas. */
class RetryAndBalancingTest {

    private static final GenerateRequest REQUEST =
            GenerateRequest.newBuilder().setModel("m").setPrompt("p").build();

    @Test
    void aServerThatRejectsThenAcceptsIsRetriedHonouringItsRetryHint() throws Exception {
        try (var server = new ScriptedInferenceServer("a")
                        .then(Step.fail(Status.UNAVAILABLE))
                        .then(Step.failWithHint(Status.RESOURCE_EXHAUSTED, 300));
                var client = R1Client.builder("127.0.0.1:" + server.port())
                        .backoff(Duration.ofMillis(10), Duration.ofSeconds(2))
                        .build()) {
            long t0 = System.nanoTime();
            Completion c = client.generate(REQUEST);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("from a", c.first().text());
            assertEquals(3, server.calls.get());
            assertTrue(millis >= 300, "waited for the retry hint: " + millis + " ms");
        }
    }

    @Test
    void invalidArgumentIsNeverRetried() throws Exception {
        try (var server = new ScriptedInferenceServer("a")
                        .then(Step.fail(Status.INVALID_ARGUMENT.withDescription("bad")));
                var client = R1Client.connect("127.0.0.1:" + server.port())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.generate(REQUEST));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertEquals(1, server.calls.get());
        }
    }

    @Test
    void retriesStopAfterMaxAttempts() throws Exception {
        try (var server = new ScriptedInferenceServer("a")
                        .then(Step.fail(Status.UNAVAILABLE))
                        .then(Step.fail(Status.UNAVAILABLE))
                        .then(Step.fail(Status.UNAVAILABLE));
                var client = R1Client.builder("127.0.0.1:" + server.port())
                        .maxAttempts(2)
                        .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                        .build()) {
            assertThrows(StatusRuntimeException.class, () -> client.generate(REQUEST));
            assertEquals(2, server.calls.get());
        }
    }

    @Test
    void asyncGenerateIsRetriedToo() throws Exception {
        try (var server = new ScriptedInferenceServer("a").then(Step.fail(Status.UNAVAILABLE));
                var client = R1Client.builder("127.0.0.1:" + server.port())
                        .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
                        .build()) {
            assertEquals("from a", client.generateAsync(REQUEST).get().first().text());
            assertEquals(2, server.calls.get());
        }
    }

    @Test
    void aStreamThatFailsBeforeItsFirstChunkIsRetried() throws Exception {
        try (var server = new ScriptedInferenceServer("a").then(Step.fail(Status.UNAVAILABLE));
                var client = R1Client.connect("127.0.0.1:" + server.port());
                var stream = client.stream(REQUEST)) {
            List<StreamEvent> events = new ArrayList<>();
            stream.forEachRemaining(events::add);
            assertEquals(2, events.size());
            assertEquals(2, stream.attempts());
            assertEquals(2, server.calls.get());
        }
    }

    @Test
    void aStreamIsNeverRetriedAfterTokensWereReceived() throws Exception {
        try (var server = new ScriptedInferenceServer("a").then(Step.failAfterChunks(Status.UNAVAILABLE, 2));
                var client = R1Client.connect("127.0.0.1:" + server.port());
                var stream = client.stream(REQUEST)) {
            assertEquals("tok0", ((StreamEvent.TextDelta) stream.next()).text());
            stream.next();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, stream::next);
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertEquals(1, server.calls.get());
        }
    }

    @Test
    void roundRobinSpreadsCallsOverThreeReplicas() throws Exception {
        try (var a = new ScriptedInferenceServer("a");
                var b = new ScriptedInferenceServer("b");
                var c = new ScriptedInferenceServer("c");
                var client = R1Client.connect(
                        "static:///127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port() + ",127.0.0.1:" + c.port())) {
            for (int i = 0; i < 30; i++) {
                client.generate(REQUEST);
            }
            assertTrue(
                    a.calls.get() > 0 && b.calls.get() > 0 && c.calls.get() > 0,
                    "calls per replica: " + a.calls + " " + b.calls + " " + c.calls);
            assertEquals(30, a.calls.get() + b.calls.get() + c.calls.get());
        }
    }
}
