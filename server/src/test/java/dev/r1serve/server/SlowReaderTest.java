package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A reader that stops reading does not stall the engine; its text waits merged, then arrives whole. */
class SlowReaderTest {

    @Test
    void aStalledReaderGetsMergedDeltasThatStillAddUpToEachSample() throws Exception {
        List<GenerateChunk> received = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        ClientCallStreamObserver<?>[] requests = new ClientCallStreamObserver<?>[1];
        // A small HTTP/2 window, so the stalled reader's backlog reaches the server's send buffer.
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", TestServer.get().port())
                .usePlaintext()
                .flowControlWindow(4096)
                .build();
        InferenceServiceGrpc.newStub(channel)
                .generateStream(
                        TestServer.stories(SamplingParams.newBuilder()
                                        .setTemperature(1)
                                        .setMaxTokens(480)
                                        .setN(12)
                                        .setSeed(21))
                                .setOptions(GenerateOptions.newBuilder().setReturnTokenIds(true))
                                .build(),
                        new ClientResponseObserver<Object, GenerateChunk>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<Object> r) {
                                requests[0] = r;
                                r.disableAutoRequestWithInitial(1); // read one chunk, then stall
                            }

                            @Override
                            public void onNext(GenerateChunk c) {
                                synchronized (received) {
                                    received.add(c);
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                done.countDown();
                            }
                        });
        // The engine finishes the samples while the reader is stalled: nothing blocks it.
        var scheduler =
                TestServer.get().models().find(TestServer.STORIES).orElseThrow().scheduler();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (scheduler.runningSequences() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5); // the request reaches the server
        }
        while (scheduler.runningSequences() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, scheduler.runningSequences(), "generation finished without the reader");
        requests[0].request(Integer.MAX_VALUE);
        boolean finished = done.await(20, TimeUnit.SECONDS);
        assertTrue(finished);
        channel.shutdownNow();

        Map<Integer, StringBuilder> texts = new HashMap<>();
        Map<Integer, Sample> finals = new HashMap<>();
        int tokens = 0;
        for (GenerateChunk c : received) {
            if (c.hasFinal()) {
                finals.put(c.getIndex(), c.getFinal());
                tokens += c.getFinal().getUsage().getCompletionTokens();
            } else {
                texts.computeIfAbsent(c.getIndex(), i -> new StringBuilder()).append(c.getTextDelta());
            }
        }
        assertEquals(12, finals.size());
        finals.forEach((i, s) -> assertEquals(s.getText(), texts.get(i).toString()));
        assertTrue(received.size() < tokens, received.size() + " chunks for " + tokens + " tokens: deltas merged");
    }
}
