package dev.r1serve.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.Sample;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamSenderTest {

    /** Test double: a call whose readiness the test controls, recording what was sent. */
    static final class FakeCall extends ServerCallStreamObserver<GenerateChunk> {
        boolean ready;
        Runnable onReady;
        final List<GenerateChunk> sent = new ArrayList<>();
        Throwable error;
        boolean completed;

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable r) {}

        @Override
        public void setCompression(String c) {}

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setOnReadyHandler(Runnable r) {
            onReady = r;
        }

        @Override
        public void request(int n) {}

        @Override
        public void setMessageCompression(boolean e) {}

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public void onNext(GenerateChunk c) {
            sent.add(c);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        void becomeReady() {
            ready = true;
            onReady.run();
        }
    }

    @Test
    void whileTheReaderIsNotReadyDeltasOfASampleMergeAndKeepTheirOrder() {
        FakeCall call = new FakeCall();
        StreamSender sender = new StreamSender(call, () -> {});
        sender.delta(0, "Once", new int[] {1});
        sender.delta(1, "A", new int[] {7});
        sender.delta(0, " upon", new int[] {2});
        sender.sampleDone(GenerateChunk.newBuilder()
                .setIndex(0)
                .setFinal(Sample.newBuilder().setIndex(0))
                .build());
        sender.delta(1, "B", new int[] {8});
        sender.complete();
        assertTrue(call.sent.isEmpty(), "nothing is written while the call is not ready");

        call.becomeReady();
        assertEquals(3, call.sent.size());
        assertEquals("Once upon", call.sent.get(0).getTextDelta());
        assertEquals(List.of(1, 2), call.sent.get(0).getTokenIdsList());
        assertEquals("AB", call.sent.get(1).getTextDelta());
        assertTrue(call.sent.get(2).hasFinal());
        assertTrue(call.completed);
    }

    @Test
    void aReaderThatNeverReadsIsCutOffWithResourceExhaustedAndItsGenerationCancelled() {
        FakeCall call = new FakeCall();
        boolean[] cancelled = {false};
        StreamSender sender = new StreamSender(call, () -> cancelled[0] = true, 100);
        for (int i = 0; i < 50; i++) {
            sender.delta(i % 3, "abc", new int[0]);
        }
        assertTrue(cancelled[0]);
        assertEquals(
                Status.Code.RESOURCE_EXHAUSTED, Status.fromThrowable(call.error).getCode());
        sender.delta(0, "more", new int[0]);
        call.becomeReady();
        assertTrue(call.sent.isEmpty(), "nothing is sent after the cut-off");
    }
}
