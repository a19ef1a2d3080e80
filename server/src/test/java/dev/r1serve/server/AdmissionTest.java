package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.server.scheduling.Scheduler;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission control through a real server whose stories model has 2 slots and room for 4 waiting
 * sequences: a full queue refuses at once with a retry hint; a deadline that passes in the queue costs
 * no engine work; many cancelled streams leave no busy slot.
 */
class AdmissionTest {

    static R1Server server;
    static ManagedChannel channel;
    static InferenceServiceGrpc.InferenceServiceBlockingStub stub;
    static Scheduler scheduler;

    @BeforeAll
    static void start() throws Exception {
        server = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        ModelLoader.loadAll(List.of(
                                ModelConfig.builder("small")
                                        .option("path", BuiltinModels.STORIES_260K)
                                        .option("slots", 2)
                                        .option("threads", 1)
                                        .queueCapacity(4)
                                        .build(),
                                ModelConfig.builder("wide")
                                        .option("path", BuiltinModels.STORIES_260K)
                                        .option("slots", 4)
                                        .option("threads", 1)
                                        .queueCapacity(1000)
                                        .build())),
                        64)
                .start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        stub = InferenceServiceGrpc.newBlockingStub(channel);
        scheduler = server.models().find("small").orElseThrow().scheduler();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    private static GenerateRequest longRequest(int n) {
        return longRequest(n, 0);
    }

    private static GenerateRequest longRequest(int n, int priority) {
        return GenerateRequest.newBuilder()
                .setModel("small")
                .setPrompt("")
                .setPriority(priority)
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(1)
                        .setMaxTokens(500)
                        .setN(n))
                .build();
    }

    private static void awaitIdle() throws InterruptedException {
        // A wait, not a timing claim: cancelled streams leave the engine within a step or two, longer under load.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((scheduler.runningSequences() > 0 || scheduler.waitingSequences() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, scheduler.runningSequences());
        assertEquals(0, scheduler.waitingSequences());
    }

    @Test
    void aFullQueueIsRefusedAtOnceWithRetryAfter() throws Exception {
        Context.CancellableContext ctx = Context.current().withCancellation();
        Context previous = ctx.attach();
        try {
            Iterator<GenerateChunk> busy = stub.generateStream(longRequest(6)); // 2 run, 4 wait: the queue is full
            busy.next();
            long t0 = System.nanoTime();
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> InferenceServiceGrpc.newBlockingStub(channel).generate(longRequest(1)));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            // Refused, not queued: a queued request would wait for the 500-token stories ahead of it (many
            // seconds); the bound leaves room for a loaded CI machine.
            assertTrue(millis < 2_000, "refused in " + millis + " ms");
            String retryAfter = e.getTrailers().get(dev.r1serve.proto.errors.ErrorDetails.RETRY_AFTER_MS_KEY);
            assertNotNull(retryAfter, "retry-after-ms trailer");
            assertTrue(Long.parseLong(retryAfter) >= 50);
        } finally {
            ctx.detach(previous);
            ctx.cancel(null);
        }
        awaitIdle();
    }

    @Test
    void aDeadlineThatPassesInTheQueueCostsNoEngineWork() throws Exception {
        Context.CancellableContext ctx = Context.current().withCancellation();
        Context previous = ctx.attach();
        try {
            // Both slots busy and two more waiting ahead at a higher priority, so a story that ends early
            // hands its slot to those, never to the late request.
            Iterator<GenerateChunk> busy = stub.generateStream(longRequest(4, 5));
            busy.next();
            long droppedBefore = scheduler.droppedInQueue();
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> stub.withDeadlineAfter(100, TimeUnit.MILLISECONDS).generate(longRequest(2)));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
            // Each queued sequence is either dispatched or dropped: both late ones dropped means neither reached
            // the engine (the busy request's own dispatches, when a story ends early, do not count here).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (scheduler.droppedInQueue() - droppedBefore < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(2, scheduler.droppedInQueue() - droppedBefore, "the late request never reached the engine");
        } finally {
            ctx.detach(previous);
            ctx.cancel(null);
        }
        awaitIdle();
    }

    @Test
    void aThousandStreamsCancelledMidGenerationLeaveNoBusySlotWithinASecond() throws Exception {
        Scheduler wide = server.models().find("wide").orElseThrow().scheduler();
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModel("wide")
                .setPrompt("")
                .setSampling(SamplingParams.newBuilder().setTemperature(1).setMaxTokens(500))
                .build();
        Context.CancellableContext ctx = Context.current().withCancellation();
        CountDownLatch running = new CountDownLatch(4);
        CountDownLatch ended = new CountDownLatch(1000);
        ctx.run(() -> {
            var async = InferenceServiceGrpc.newStub(channel);
            for (int i = 0; i < 1000; i++) {
                async.generateStream(request, new StreamObserver<>() {
                    boolean first = true;

                    @Override
                    public void onNext(GenerateChunk c) {
                        if (first) {
                            first = false;
                            running.countDown();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        ended.countDown();
                    }
                });
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS), "4 streams decoding");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (wide.dispatchedSequences() + wide.waitingSequences() < 1000 && System.nanoTime() < deadline) {
            Thread.sleep(5); // the rest arrive and queue
        }
        assertTrue(wide.waitingSequences() > 900, "waiting " + wide.waitingSequences());
        long t0 = System.nanoTime();
        ctx.cancel(null);
        var engine = server.models().find("wide").orElseThrow().engine();
        while ((engine.busySlots() > 0 || wide.waitingSequences() > 0 || wide.runningSequences() > 0)
                && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1)) {
            Thread.sleep(2);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("1000 streams cancelled: engine idle after " + millis + " ms");
        assertEquals(0, engine.busySlots(), "busy slots " + millis + " ms after cancelling");
        assertEquals(0, wide.waitingSequences());
        assertEquals(0, wide.runningSequences());
        assertTrue(ended.await(5, TimeUnit.SECONDS));
    }
}
