package dev.r1serve.server;

import dev.r1serve.server.api.InferenceGrpcService;
import dev.r1serve.server.api.OversizedMessageLog;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.generation.GenerationService;
import dev.r1serve.server.metrics.ServerMetrics;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.openai.OpenAiHttpServer;
import dev.r1serve.server.security.ApiKeyInterceptor;
import dev.r1serve.server.security.RateLimitInterceptor;
import dev.r1serve.server.security.RateLimits;
import dev.r1serve.server.validation.RequestValidator;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The r1-serve gRPC server: InferenceService over the hosted models, grpc.health.v1 (overall and one
 * service name per model) and server reflection; with {@link ServerOptions}, also API keys, TLS, rate
 * limits, a Prometheus endpoint and an OpenAI-compatible HTTP front.
 */
public final class R1Server implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(R1Server.class.getName());
    public static final int DEFAULT_PORT = 50051;

    static {
        // Before the metrics endpoint, which is a JDK HTTP server too and fixes the JVM-wide setting.
        OpenAiHttpServer.limitRequestTime();
    }

    private final Server server;
    private final ModelRegistry models;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ServerOptions options;
    private final ServerMetrics metrics;
    private final String metricsHost;
    private HTTPServer metricsServer;
    private final RequestValidator validator;
    private OpenAiHttpServer httpFront;
    private final RateLimits rateLimits;
    private final GenerationService generations;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("r1-health").daemon().factory());
    private volatile boolean draining;
    /** Our own services (r1.v1.InferenceService, and r1.v1.RewardService when mounted), reported by health. */
    private final List<String> serviceNames;
    /**
     * Runs the service's callbacks. Bounded, unlike grpc-java's default cached pool, which would start a
     * thread per call when a thousand calls are cancelled at once. The callbacks validate and hand over to
     * the generation service, which renders and tokenizes (possibly over HTTP) on threads of its own.
     */
    private final java.util.concurrent.ExecutorService callbacks = Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().name("r1-grpc-", 0).daemon().factory());
    /** How often engine liveness is copied into grpc.health. */
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    /** The gRPC port asked for (0 = a free one), or -1 when the builder's transport is not known to us. */
    private final int grpcPort;

    /**
     * Builds a service of another module on this server's generation service and validator, before the server
     * starts (e.g. the RolloutService), so its generations share the models' admission, scheduling, validation,
     * drain and metrics with the InferenceService.
     */
    @FunctionalInterface
    public interface ServiceFactory {
        BindableService create(GenerationService generations, RequestValidator validator);
    }

    /** Serves {@code models} on {@code builder}'s transport (Netty on a port, or in-process in tests). */
    public R1Server(ServerBuilder<?> builder, ModelRegistry models, int maxSamples) {
        this(builder, models, maxSamples, ServerOptions.DEFAULTS);
    }

    /**
     * Serves {@code models} with {@code options}; TLS needs a {@link NettyServerBuilder}. The metrics endpoint,
     * if any, binds all interfaces.
     */
    public R1Server(ServerBuilder<?> builder, ModelRegistry models, int maxSamples, ServerOptions options) {
        this(builder, models, maxSamples, options, "0.0.0.0", -1, List.of());
    }

    private R1Server(
            ServerBuilder<?> builder,
            ModelRegistry models,
            int maxSamples,
            ServerOptions options,
            String metricsHost,
            int grpcPort,
            List<ServiceFactory> services) {
        this.grpcPort = grpcPort;
        this.models = models;
        this.options = options;
        this.metricsHost = metricsHost;
        this.metrics = new ServerMetrics(models);
        this.validator = new RequestValidator(models, maxSamples);
        if (options.tls() != null) {
            if (!(builder instanceof NettyServerBuilder netty)) {
                throw new IllegalArgumentException("TLS needs a NettyServerBuilder, got " + builder.getClass());
            }
            options.tls().applyTo(netty);
        }
        // Interceptors added later run first: call metrics (so refusals are counted), then API keys, then
        // rate limits (which need the key's name).
        // One budget per client across gRPC and the HTTP front.
        this.rateLimits = options.rateLimit() == null ? null : new RateLimits(options.rateLimit());
        if (rateLimits != null) {
            builder.intercept(new RateLimitInterceptor(rateLimits));
        }
        if (options.apiKeys() != null) {
            builder.intercept(new ApiKeyInterceptor(options.apiKeys()));
        }
        builder.intercept(metrics.callInterceptor());
        builder.addStreamTracerFactory(metrics.callInterceptor().transportStatusTracer());
        builder.maxInboundMessageSize(options.maxMessageBytesOrDefault());
        OversizedMessageLog.install();
        this.generations = new GenerationService(models, metrics.generation());
        services.forEach(f -> builder.addService(f.create(generations, validator)));
        this.server = builder.executor(callbacks)
                .addService(new InferenceGrpcService(generations, validator).lenientDefinition())
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                // v1alpha too: older grpcurl, Postman and Evans speak only that one.
                .addService(ProtoReflectionService.newInstance())
                .build();
        this.serviceNames = server.getServices().stream()
                .map(d -> d.getServiceDescriptor().getName())
                .filter(n -> !n.startsWith("grpc."))
                .toList();
    }

    /** Netty on {@code host:port}; port 0 picks a free port (see {@link #port()}). */
    public static R1Server onPort(String host, int port, ModelRegistry models, int maxSamples) {
        return onPort(host, port, models, maxSamples, ServerOptions.DEFAULTS);
    }

    /** Netty on {@code host:port} with {@code options}; the metrics endpoint binds {@code host} too. */
    public static R1Server onPort(String host, int port, ModelRegistry models, int maxSamples, ServerOptions options) {
        return onPort(host, port, models, maxSamples, options, List.of());
    }

    /** As {@link #onPort(String, int, ModelRegistry, int, ServerOptions)}, also serving what {@code services} build. */
    public static R1Server onPort(
            String host,
            int port,
            ModelRegistry models,
            int maxSamples,
            ServerOptions options,
            List<ServiceFactory> services) {
        return new R1Server(
                NettyServerBuilder.forAddress(new InetSocketAddress(host, port)),
                models,
                maxSamples,
                options,
                host,
                port,
                services);
    }

    /** Loads the configured models and starts serving them; closes the models if the start fails. */
    public static R1Server launch(ServerConfig config) throws IOException {
        return launch(config, List.of());
    }

    /**
     * Like {@link #launch(ServerConfig)}, also serving {@code extraServices} on the same port behind the same
     * keys, TLS and call metrics (e.g. the RewardService: {@code r1 serve --rewards}).
     */
    public static R1Server launch(ServerConfig config, List<BindableService> extraServices) throws IOException {
        return launch(config, extraServices, List.of());
    }

    /** As {@link #launch(ServerConfig, List)}, also serving what {@code services} build on this server's generations. */
    public static R1Server launch(
            ServerConfig config, List<BindableService> extraServices, List<ServiceFactory> services)
            throws IOException {
        ModelRegistry models = ModelLoader.loadAll(config.models());
        try {
            NettyServerBuilder builder = NettyServerBuilder.forAddress(
                    new InetSocketAddress(config.hostOrDefault(), config.portOrDefault()));
            extraServices.forEach(builder::addService);
            return new R1Server(
                            builder,
                            models,
                            config.maxSamplesOrDefault(),
                            ServerOptions.from(config),
                            config.hostOrDefault(),
                            config.portOrDefault(),
                            services)
                    .start();
        } catch (IOException | RuntimeException e) {
            models.close();
            throw e;
        }
    }

    /**
     * Binds the metrics, HTTP and gRPC ports and starts serving. A port already in use is a
     * {@link BindException} whose message names the port and the setting, e.g. "port 50051 (gRPC, --port) is
     * already in use".
     */
    public R1Server start() throws IOException {
        if (options.metricsPort() != null) {
            metricsServer = bound(
                    options.metricsPort(),
                    "metrics, --metrics-port",
                    () -> metrics.serve(metricsHost, options.metricsPort()));
        }
        try {
            if (options.httpPort() != null) {
                httpFront = bound(
                                options.httpPort(),
                                "OpenAI HTTP API, --http-port",
                                () -> new OpenAiHttpServer(
                                        metricsHost,
                                        options.httpPort(),
                                        generations,
                                        validator,
                                        options.apiKeys(),
                                        () -> draining))
                        .withRateLimits(rateLimits)
                        .withCallMetrics(metrics.callInterceptor())
                        .start();
            }
            bound(grpcPort, "gRPC, --port", server::start);
        } catch (IOException | RuntimeException e) {
            closeMetricsServer();
            closeHttpFront();
            throw e;
        }
        checkEngines();
        heartbeat.scheduleWithFixedDelay(
                this::checkEngines,
                HEARTBEAT_INTERVAL.toMillis(),
                HEARTBEAT_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("r1-serve listening on port " + port() + " with models "
                + models.all().stream().map(HostedModel::name).toList()
                + (options.tls() == null ? ", plaintext" : options.tls().mutual() ? ", mutual TLS" : ", TLS")
                + (metricsServer == null ? "" : ", metrics on http port " + metricsServer.getPort())
                + (httpFront == null ? "" : ", OpenAI API on http port " + httpFront.port()));
        if (options.apiKeys() == null) {
            LOG.warning("NO API KEYS CONFIGURED: InferenceService on port " + port()
                    + " is open to anyone who can reach it. Use --api-keys FILE (config apiKeysFile).");
        }
        return this;
    }

    public int port() {
        return server.getPort();
    }

    private interface Binding<T> {
        T bind() throws IOException;
    }

    /** Runs {@code binding}; a port in use becomes a BindException naming the port and what it is for. */
    private static <T> T bound(int port, String what, Binding<T> binding) throws IOException {
        try {
            return binding.bind();
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException) {
                    BindException clear = new BindException(
                            "port " + (port >= 0 ? port + " " : "") + "(" + what + ") is already in use");
                    clear.initCause(e);
                    throw clear;
                }
            }
            throw e;
        }
    }

    public ModelRegistry models() {
        return models;
    }

    /** The Prometheus endpoint's port, or -1 without one. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.getPort();
    }

    /** The OpenAI-compatible HTTP front's port, or -1 without one. */
    public int httpPort() {
        return httpFront == null ? -1 : httpFront.port();
    }

    /**
     * Mounts {@code handler} at {@code path} on the OpenAI-compatible HTTP front's port ({@code r1 serve --rewards
     * --http-port N}).
     *
     * @throws IllegalStateException without an HTTP front
     */
    public void mountHttp(String path, com.sun.net.httpserver.HttpHandler handler) {
        if (httpFront == null) {
            throw new IllegalStateException("no HTTP front: set --http-port (config httpPort)");
        }
        httpFront.mount(path, handler);
    }

    /** The API keys this server accepts, or null when it is open. */
    public dev.r1serve.server.security.ApiKeys apiKeys() {
        return options.apiKeys();
    }

    /** This server's metrics registry (also readable without the HTTP endpoint). */
    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * Health per model follows its engine's liveness; the overall status ("") is SERVING only while every
     * model is. While draining everything stays NOT_SERVING.
     */
    private void checkEngines() {
        if (draining) {
            return;
        }
        boolean all = true;
        for (HostedModel m : models.all()) {
            boolean ok = m.engine().isHealthy();
            all &= ok;
            health.setStatus(m.name(), ok ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
        ServingStatus overall = all ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus("", overall);
        // gRPC health convention: each service by its fully qualified name, as load balancers probe it.
        for (String service : serviceNames) {
            health.setStatus(service, overall);
        }
    }

    /**
     * Graceful stop (SIGTERM): health turns NOT_SERVING at once and new generations are refused with
     * UNAVAILABLE (reason DRAINING), as are calls whose samples are all still waiting for a slot, so clients retry
     * elsewhere and load balancers move away; work in flight may finish within {@code timeout}; then
     * whatever still runs is cancelled and the server closes.
     */
    public void drain(Duration timeout) {
        draining = true;
        health.setStatus("", ServingStatus.NOT_SERVING);
        for (HostedModel m : models.all()) {
            health.setStatus(m.name(), ServingStatus.NOT_SERVING);
        }
        for (String service : serviceNames) {
            health.setStatus(service, ServingStatus.NOT_SERVING);
        }
        generations.stopAdmitting();
        long deadline = System.nanoTime() + timeout.toNanos();
        LOG.info("draining: waiting up to " + timeout.toSeconds() + " s for work in flight");
        try {
            while (inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int left = inFlight();
            if (left > 0) {
                LOG.warning("drain timeout: cancelling " + left + " sequences still in flight");
            }
            server.shutdown();
            long remaining = Math.max(0, deadline - System.nanoTime());
            if (!server.awaitTermination(
                    Math.max(remaining, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    private int inFlight() {
        int n = 0;
        for (HostedModel m : models.all()) {
            n += m.scheduler().runningSequences() + m.scheduler().waitingSequences();
        }
        return n;
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops accepting calls, gives running calls a moment, then closes the engines. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeMetricsServer();
        closeHttpFront();
        callbacks.shutdownNow();
        generations.close();
        models.close();
    }

    private void closeHttpFront() {
        if (httpFront != null) {
            httpFront.close();
            httpFront = null;
        }
    }

    private void closeMetricsServer() {
        if (metricsServer != null) {
            metricsServer.close();
            metricsServer = null;
        }
    }
}
