package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** grpc.health follows each engine's liveness, not just the process being up. */
class EngineHealthTest {

    @Test
    void aDeadEngineTurnsItsModelAndTheServerNotServingWhileOtherModelsStayServing() throws Exception {
        R1Server server = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        ModelLoader.loadAll(List.of(
                                ModelConfig.llamaCpp("a", BuiltinModels.STORIES_260K, null, null, 1, 1),
                                ModelConfig.llamaCpp("b", BuiltinModels.STORIES_260K, null, null, 1, 1))),
                        64)
                .start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        try {
            var health = HealthGrpc.newBlockingStub(channel);
            assertEquals(ServingStatus.SERVING, status(health, "a"));
            server.models().find("a").orElseThrow().engine().close(); // its worker stops: as if it died
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (status(health, "a") == ServingStatus.SERVING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(ServingStatus.NOT_SERVING, status(health, "a"));
            assertEquals(ServingStatus.NOT_SERVING, status(health, ""));
            assertEquals(ServingStatus.SERVING, status(health, "b"));
        } finally {
            channel.shutdownNow();
            server.close();
        }
    }

    private static ServingStatus status(HealthGrpc.HealthBlockingStub health, String service) {
        return health.check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }
}
