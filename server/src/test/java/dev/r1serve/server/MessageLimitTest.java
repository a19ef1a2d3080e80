package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.TokenizeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The inbound gRPC message limit: RESOURCE_EXHAUSTED, counted as such, one log line, configurable. */
class MessageLimitTest {

    @Test
    void aMessageOverTheDefaultLimitIsResourceExhaustedCountedSoAndLoggedInOneLine() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        List<Logger> watched = List.of(
                Logger.getLogger("io.grpc.netty.NettyServerStream"),
                Logger.getLogger("dev.r1serve.server.api.OversizedMessageLog"));
        watched.forEach(l -> l.addHandler(capture));
        try {
            double before = count(TestServer.get(), "Generate", "RESOURCE_EXHAUSTED");
            // 5 MiB of prompt: over grpc-java's (and our default) 4 MiB.
            GenerateRequest big = GenerateRequest.newBuilder()
                    .setModel(TestServer.STORIES)
                    .setPrompt("x".repeat(5 << 20))
                    .build();
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> TestServer.stub()
                            .withDeadlineAfter(30, TimeUnit.SECONDS)
                            .generate(big));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (count(TestServer.get(), "Generate", "RESOURCE_EXHAUSTED") == before
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(before + 1, count(TestServer.get(), "Generate", "RESOURCE_EXHAUSTED"));
            assertEquals(
                    1,
                    records.size(),
                    records.stream().map(LogRecord::getMessage).toList().toString());
            assertNull(records.get(0).getThrown(), "no stack trace");
            assertTrue(
                    records.get(0).getMessage().contains("maxMessageBytes"),
                    records.get(0).getMessage());
        } finally {
            watched.forEach(l -> l.removeHandler(capture));
        }
    }

    @Test
    void maxMessageBytesSetsTheLimit() throws Exception {
        TokenizeRequest text = TokenizeRequest.newBuilder()
                .setModel(TestServer.STORIES)
                .setText("Once ".repeat(20_000))
                .build();
        assertTrue(TestServer.stub().tokenize(text).getTokenIdsCount() > 0, "100 KB is fine at the default limit");
        try (R1Server small = OpsServers.start(ServerOptions.DEFAULTS.withMaxMessageBytes(64 << 10))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", small.port())
                    .usePlaintext()
                    .build();
            try {
                StatusRuntimeException e = assertThrows(
                        StatusRuntimeException.class,
                        () -> InferenceServiceGrpc.newBlockingStub(channel).tokenize(text));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        assertEquals(
                "maxMessageBytes must be >= 1024, got 10",
                assertThrows(IllegalArgumentException.class, () -> ServerOptions.DEFAULTS.withMaxMessageBytes(10))
                        .getMessage());
    }

    private static double count(R1Server server, String method, String code) {
        return server.metrics().registry().scrape().stream()
                .filter(s -> s.getMetadata().getName().equals("r1_requests"))
                .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
                .filter(d -> method.equals(d.getLabels().get("method"))
                        && code.equals(d.getLabels().get("code")))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }
}
