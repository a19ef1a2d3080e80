package dev.r1serve.server;

import dev.r1serve.server.api.InferenceGrpcService;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.validation.RequestValidator;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The r1-serve gRPC server: InferenceService over the hosted models, grpc.health.v1 (overall and one
 * service name per model) and server reflection.
 */
public final class R1Server implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(R1Server.class.getName());
    public static final int DEFAULT_PORT = 50051;

    private final Server server;
    private final ModelRegistry models;
    private final HealthStatusManager health = new HealthStatusManager();

    /** Serves {@code models} on {@code builder}'s transport (Netty on a port, or in-process in tests). */
    public R1Server(ServerBuilder<?> builder, ModelRegistry models, int maxSamples) {
        this.models = models;
        RequestValidator validator = new RequestValidator(models, maxSamples);
        this.server = builder
                .addService(new InferenceGrpcService(models, validator))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
    }

    /** Netty on {@code host:port}; port 0 picks a free port (see {@link #port()}). */
    public static R1Server onPort(String host, int port, ModelRegistry models, int maxSamples) {
        return new R1Server(NettyServerBuilder.forAddress(new InetSocketAddress(host, port)), models, maxSamples);
    }

    /** Loads the configured models and starts serving them; closes the models if the start fails. */
    public static R1Server launch(ServerConfig config) throws IOException {
        ModelRegistry models = ModelLoader.loadAll(config.models());
        try {
            return onPort(config.hostOrDefault(), config.portOrDefault(), models, config.maxSamplesOrDefault()).start();
        } catch (IOException | RuntimeException e) {
            models.close();
            throw e;
        }
    }

    public R1Server start() throws IOException {
        server.start();
        health.setStatus("", ServingStatus.SERVING);
        for (HostedModel m : models.all()) {
            health.setStatus(m.name(), ServingStatus.SERVING);
        }
        LOG.info("r1-serve listening on port " + port() + " with models "
                + models.all().stream().map(HostedModel::name).toList());
        return this;
    }

    public int port() {
        return server.getPort();
    }

    public ModelRegistry models() {
        return models;
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops accepting calls, gives running calls a moment, then closes the engines. */
    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.close();
    }
}
