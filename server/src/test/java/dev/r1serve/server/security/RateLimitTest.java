package dev.r1serve.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.OpsServers;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.ServerOptions;
import dev.r1serve.server.TestServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per-client request and sequence budgets on a real server. */
class RateLimitTest {

    private static final ListModelsRequest LIST = ListModelsRequest.getDefaultInstance();

    @Test
    void overTheRequestLimitIsResourceExhaustedWithRetryAfter() throws Exception {
        RateLimitSettings limits = new RateLimitSettings(2, null);
        try (R1Server server = OpsServers.start(ServerOptions.DEFAULTS.withRateLimit(limits))) {
            ManagedChannel ch = channel(server);
            try {
                var stub = InferenceServiceGrpc.newBlockingStub(ch);
                StatusRuntimeException refused = null;
                for (int i = 0; i < 5 && refused == null; i++) { // 2 per second: the third call of a second fails
                    try {
                        stub.listModels(LIST);
                    } catch (StatusRuntimeException e) {
                        refused = e;
                    }
                }
                assertNotNull(refused, "five calls at once, limit 2/s");
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
                assertTrue(refused.getStatus().getDescription().contains("requests/s"));
                String retry = refused.getTrailers().get(dev.r1serve.proto.errors.ErrorDetails.RETRY_AFTER_MS_KEY);
                assertNotNull(retry, "retry-after-ms trailer");
                long ms = Long.parseLong(retry);
                assertTrue(ms >= 1 && ms <= 1000, retry);
                Thread.sleep(ms + 20);
                assertEquals(1, stub.listModels(LIST).getModelsCount(), "budget refreshed after retry-after-ms");
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void sequencesCountN() throws Exception {
        RateLimitSettings limits = new RateLimitSettings(null, 10);
        GenerateRequest four = GenerateRequest.newBuilder()
                .setModel(TestServer.STORIES)
                .setPrompt("Once")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(1).setN(4).setSeed(1))
                .build();
        try (R1Server server = OpsServers.start(ServerOptions.DEFAULTS.withRateLimit(limits))) {
            ManagedChannel ch = channel(server);
            try {
                var stub = InferenceServiceGrpc.newBlockingStub(ch);
                int accepted = 0;
                StatusRuntimeException refused = null;
                for (int i = 0; i < 10 && refused == null; i++) {
                    try {
                        stub.generate(four);
                        accepted++;
                    } catch (StatusRuntimeException e) {
                        refused = e;
                    }
                }
                assertNotNull(refused);
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
                assertTrue(refused.getStatus().getDescription().contains("sequences/s"));
                assertNotNull(refused.getTrailers().get(dev.r1serve.proto.errors.ErrorDetails.RETRY_AFTER_MS_KEY));
                // 10 sequences/s with n = 4 admits 2 calls a second (3 or 4 if a second ends meanwhile);
                // counting calls instead of sequences would have admitted 10.
                assertTrue(accepted >= 2 && accepted <= 4, "accepted " + accepted);
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void eachApiKeyHasItsOwnBudget() throws Exception {
        ApiKeys keys = ApiKeys.parse(List.of(ApiKeys.line("a", "key-a"), ApiKeys.line("b", "key-b")), "test keys");
        RateLimitSettings limits = new RateLimitSettings(1, null);
        try (R1Server server =
                OpsServers.start(ServerOptions.DEFAULTS.withApiKeys(keys).withRateLimit(limits))) {
            ManagedChannel ch = channel(server);
            try {
                var a = withKey(InferenceServiceGrpc.newBlockingStub(ch), "key-a");
                var b = withKey(InferenceServiceGrpc.newBlockingStub(ch), "key-b");
                StatusRuntimeException refused = null;
                for (int i = 0; i < 4 && refused == null; i++) {
                    try {
                        a.listModels(LIST);
                    } catch (StatusRuntimeException e) {
                        refused = e;
                    }
                }
                assertNotNull(refused);
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
                assertEquals(1, b.listModels(LIST).getModelsCount(), "key b is not limited by key a's use");
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void settingsNameTheField() {
        var e = assertThrows(IllegalArgumentException.class, () -> new RateLimitSettings(0, null));
        assertTrue(e.getMessage().startsWith("rateLimit.requestsPerSecond"));
        e = assertThrows(IllegalArgumentException.class, () -> new RateLimitSettings(null, -1));
        assertTrue(e.getMessage().startsWith("rateLimit.sequencesPerSecond"));
    }

    private static ManagedChannel channel(R1Server server) {
        return NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
    }

    private static InferenceServiceGrpc.InferenceServiceBlockingStub withKey(
            InferenceServiceGrpc.InferenceServiceBlockingStub stub, String key) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
    }
}
