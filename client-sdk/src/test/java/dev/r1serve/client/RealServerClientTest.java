package dev.r1serve.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.server.scheduling.Scheduler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real r1-serve (stories260K in llama.cpp) on a loopback port. */
class RealServerClientTest {

    static R1Server server;
    static Scheduler scheduler;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("de.kherud.llama.tmpdir")));
        server = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        ModelLoader.loadAll(
                                List.of(ModelConfig.llamaCpp("stories", BuiltinModels.STORIES_260K, null, null, 2, 1))),
                        64)
                .start();
        scheduler = server.models().find("stories").orElseThrow().scheduler();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static GenerateRequest story(int maxTokens, int n) {
        return GenerateRequest.newBuilder()
                .setModel("stories")
                .setPrompt("")
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(0)
                        .setMaxTokens(maxTokens)
                        .setN(n))
                .build();
    }

    private static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while ((scheduler.runningSequences() > 0 || scheduler.waitingSequences() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, scheduler.runningSequences() + scheduler.waitingSequences());
    }

    @Test
    void domainResultsCarryTextReasoningAnswerAndUsage() {
        try (R1Client client = R1Client.connect("127.0.0.1:" + server.port())) {
            Completion c = client.generate(story(60, 1));
            GeneratedSample s = c.first();
            assertTrue(s.text().startsWith(" Once upon a time, there was a little girl named Lily."));
            assertEquals(FinishReason.LENGTH, s.finishReason());
            assertEquals(60, s.completionTokens());
            assertEquals("stories", c.model());
        }
    }

    @Test
    void theDefaultDeadlineEndsALongCallAndItsServerWork() throws Exception {
        try (R1Client client = R1Client.builder("127.0.0.1:" + server.port())
                .defaultDeadline(Duration.ofMillis(300))
                .build()) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.generate(story(480, 8)));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        }
        awaitIdle();
    }

    @Test
    void closingAStreamCancelsTheServersWork() throws Exception {
        try (R1Client client = R1Client.connect("127.0.0.1:" + server.port())) {
            try (R1Client.GenerationStream stream = client.stream(story(480, 4))) {
                stream.next();
                assertTrue(scheduler.runningSequences() > 0);
            }
            awaitIdle();
        }
    }

    @Test
    void aPublisherDeliversOnlyWhatItsSubscriberRequested() throws Exception {
        try (R1Client client = R1Client.connect("127.0.0.1:" + server.port())) {
            List<StreamEvent> events = new ArrayList<>();
            CountDownLatch three = new CountDownLatch(3);
            Flow.Subscription[] subscription = new Flow.Subscription[1];
            client.publisher(story(60, 1)).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription[0] = s;
                    s.request(3);
                }

                @Override
                public void onNext(StreamEvent e) {
                    synchronized (events) {
                        events.add(e);
                    }
                    three.countDown();
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onComplete() {}
            });
            assertTrue(three.await(10, TimeUnit.SECONDS));
            Thread.sleep(200);
            synchronized (events) {
                assertEquals(3, events.size(), "no more than requested");
            }
            subscription[0].cancel();
            awaitIdle();
        }
    }
}
