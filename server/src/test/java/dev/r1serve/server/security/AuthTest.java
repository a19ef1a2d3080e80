package dev.r1serve.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API keys on a real server: InferenceService needs a listed key; health stays open. */
class AuthTest {

    private static R1Server server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.parse(List.of(ApiKeys.line("team-a", "secret-a")), "test keys");
        server = OpsServers.start(ServerOptions.DEFAULTS.withApiKeys(keys));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static InferenceServiceGrpc.InferenceServiceBlockingStub stub(String authorization) {
        var stub = InferenceServiceGrpc.newBlockingStub(channel);
        if (authorization == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void callWithoutKeyIsUnauthenticated() {
        var e = assertThrows(
                StatusRuntimeException.class, () -> stub(null).listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("authorization: Bearer"));
    }

    @Test
    void wrongKeyIsUnauthenticated() {
        for (String auth : List.of("Bearer secret-b", "Bearer ", "Basic secret-a", "secret-a")) {
            var e = assertThrows(
                    StatusRuntimeException.class,
                    () -> stub(auth).listModels(ListModelsRequest.getDefaultInstance()),
                    auth);
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), auth);
        }
    }

    @Test
    void rightKeyGenerates() {
        var r = stub("Bearer secret-a")
                .generate(GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPrompt("Once")
                        .setSampling(SamplingParams.newBuilder().setMaxTokens(3).setSeed(1))
                        .build());
        assertEquals(3, r.getSamples(0).getUsage().getCompletionTokens());
        assertEquals(
                1,
                stub("bearer secret-a")
                        .listModels(ListModelsRequest.getDefaultInstance())
                        .getModelsCount());
    }

    @Test
    void healthIsOpenWithoutKey() {
        assertEquals(
                HealthCheckResponse.ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus());
    }

    @Test
    void refusalsAreCountedInRequestsTotal() {
        assertThrows(StatusRuntimeException.class, () -> stub(null).listModels(ListModelsRequest.getDefaultInstance()));
        var snapshot = server.metrics().registry().scrape();
        double unauthenticated = snapshot.stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("r1_requests"))
                .flatMap(m -> m.getDataPoints().stream())
                .filter(d -> "UNAUTHENTICATED".equals(d.getLabels().get("code")))
                .mapToDouble(d ->
                        ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
                .sum();
        assertTrue(unauthenticated >= 1, "UNAUTHENTICATED calls counted: " + unauthenticated);
    }
}
