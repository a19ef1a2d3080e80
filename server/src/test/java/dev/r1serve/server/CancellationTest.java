package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.engine.Engine;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A cancelled or expired call cancels its engine sequences: the slots free up. */
class CancellationTest {

    private static Engine engine() {
        return TestServer.get().models().find(TestServer.STORIES).orElseThrow().engine();
    }

    private static void awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while ((engine().busySlots() > 0 || engine().queuedSequences() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, engine().busySlots(), "busy slots");
        assertEquals(0, engine().queuedSequences(), "queued sequences");
    }

    private static SamplingParams.Builder long8() {
        // 8 long samples on 4 slots: 4 decode, 4 wait in the engine's queue.
        return SamplingParams.newBuilder()
                .setTemperature(1.0f)
                .setMaxTokens(480)
                .setN(8)
                .setSeed(1);
    }

    @Test
    void cancellingAStreamMidGenerationFreesEverySlotWithinASecond() throws Exception {
        Context.CancellableContext ctx = Context.current().withCancellation();
        Context previous = ctx.attach();
        try {
            Iterator<GenerateChunk> it =
                    TestServer.stub().generateStream(TestServer.stories(long8()).build());
            for (int i = 0; i < 10; i++) {
                it.next();
            }
            assertTrue(engine().busySlots() > 0, "generation is running");
        } finally {
            ctx.detach(previous);
            ctx.cancel(null);
        }
        awaitIdle(1000);
    }

    @Test
    void anExpiredDeadlineEndsTheCallAndFreesTheSlots() throws Exception {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> TestServer.stub()
                        .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                        .generate(TestServer.stories(long8()).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        awaitIdle(1000);
    }

    @Test
    void theServerKeepsServingAfterCancellations() throws Exception {
        for (int round = 0; round < 5; round++) {
            Context.CancellableContext ctx = Context.current().withCancellation();
            Context previous = ctx.attach();
            try {
                TestServer.stub()
                        .generateStream(TestServer.stories(long8()).build())
                        .next();
            } finally {
                ctx.detach(previous);
                ctx.cancel(null);
            }
        }
        awaitIdle(1000);
        String text = TestServer.stub()
                .generate(TestServer.stories(
                                SamplingParams.newBuilder().setTemperature(0).setMaxTokens(60))
                        .build())
                .getSamples(0)
                .getText();
        assertEquals(StoriesGoldenTest.GOLDEN, text);
    }
}
