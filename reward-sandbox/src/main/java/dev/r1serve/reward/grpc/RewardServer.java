package dev.r1serve.reward.grpc;

import dev.r1serve.reward.Grpo;
import dev.r1serve.reward.RewardOptions;
import dev.r1serve.reward.RewardScorer;
import dev.r1serve.reward.metrics.RewardMetrics;
import dev.r1serve.reward.sandbox.Sandbox;
import dev.r1serve.reward.sandbox.SandboxPool;
import dev.r1serve.reward.sandbox.SandboxUnavailableException;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The reward server: {@code r1.v1.RewardService}, {@code grpc.health.v1.Health} (service "" and
 * "r1.v1.RewardService") and server reflection on Netty, plus an optional Prometheus endpoint.
 *
 * <pre>{@code
 * try (RewardServer s = RewardServer.start(RewardServer.Config.loopback(0))) {
 *     int port = s.port();
 * }
 * }</pre>
 */
public final class RewardServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RewardServer.class.getName());
    public static final int DEFAULT_PORT = 50061;
    public static final String SERVICE = "r1.v1.RewardService";
    /** Largest request message (gRPC's default, stated so the HTTP front can apply the same limit). */
    public static final int MAX_MESSAGE_BYTES = 4 << 20;

    /**
     * @param host bind address
     * @param port 0 for a free port
     * @param rewards reward options
     * @param advantage default GRPO normalization (Score requests may override it)
     * @param maxPendingGroups incomplete groups one ScoreStream call may hold
     * @param maxInFlight rollouts one ScoreStream call may have being scored or waiting to be sent
     * @param sandboxWorkers concurrent sandbox runs (0: number of cores)
     * @param sandboxQueue sandbox runs that may wait
     * @param metricsPort Prometheus HTTP port, -1 for none, 0 for a free one
     */
    public record Config(
            String host,
            int port,
            RewardOptions rewards,
            Grpo.Options advantage,
            int maxPendingGroups,
            int maxInFlight,
            int sandboxWorkers,
            int sandboxQueue,
            int metricsPort) {
        /** The defaults on 127.0.0.1: 1024 pending groups, 256 in flight, a worker per core, 1024 queued, no metrics. */
        public static Config loopback(int port) {
            return new Builder().port(port).build();
        }

        /** A builder holding this configuration. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        public Config withAdvantage(Grpo.Options a) {
            return toBuilder().advantage(a).build();
        }

        public Config withMaxPendingGroups(int n) {
            return toBuilder().maxPendingGroups(n).build();
        }

        public Config withRewards(RewardOptions r) {
            return toBuilder().rewards(r).build();
        }

        public Config withHost(String h) {
            return toBuilder().host(h).build();
        }

        public Config withMetricsPort(int p) {
            return toBuilder().metricsPort(p).build();
        }

        /** Settings one by one, from the {@link #loopback} defaults on port 0. */
        public static final class Builder {
            private String host = "127.0.0.1";
            private int port;
            private RewardOptions rewards = RewardOptions.DEFAULT;
            private Grpo.Options advantage = Grpo.Options.DEFAULT;
            private int maxPendingGroups = 1024;
            private int maxInFlight = 256;
            private int sandboxWorkers;
            private int sandboxQueue = 1024;
            private int metricsPort = -1;

            private Builder() {}

            private Builder(Config c) {
                host = c.host;
                port = c.port;
                rewards = c.rewards;
                advantage = c.advantage;
                maxPendingGroups = c.maxPendingGroups;
                maxInFlight = c.maxInFlight;
                sandboxWorkers = c.sandboxWorkers;
                sandboxQueue = c.sandboxQueue;
                metricsPort = c.metricsPort;
            }

            public Builder host(String v) {
                host = v;
                return this;
            }

            public Builder port(int v) {
                port = v;
                return this;
            }

            public Builder rewards(RewardOptions v) {
                rewards = v;
                return this;
            }

            public Builder advantage(Grpo.Options v) {
                advantage = v;
                return this;
            }

            public Builder maxPendingGroups(int v) {
                maxPendingGroups = v;
                return this;
            }

            public Builder maxInFlight(int v) {
                maxInFlight = v;
                return this;
            }

            public Builder sandboxWorkers(int v) {
                sandboxWorkers = v;
                return this;
            }

            public Builder sandboxQueue(int v) {
                sandboxQueue = v;
                return this;
            }

            public Builder metricsPort(int v) {
                metricsPort = v;
                return this;
            }

            public Config build() {
                return new Config(
                        host,
                        port,
                        rewards,
                        advantage,
                        maxPendingGroups,
                        maxInFlight,
                        sandboxWorkers,
                        sandboxQueue,
                        metricsPort);
            }
        }
    }

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final RewardMetrics metrics;
    private final SandboxPool pool;
    private final ExecutorService scoring;
    private final RewardScorer scorer;
    private final Config config;
    private final Mounted mounted;
    private HTTPServer metricsServer;

    /**
     * The RewardService with what it runs on (sandbox pool, scoring threads), for a gRPC server of another's:
     * {@code r1 serve --rewards} mounts it beside the InferenceService. Close it after that server.
     */
    public record Mounted(
            RewardGrpcService service,
            SandboxPool pool,
            ExecutorService scoring,
            RewardScorer scorer,
            RewardMetrics metrics)
            implements AutoCloseable {
        @Override
        public void close() {
            scoring.shutdownNow();
            if (pool != null) {
                pool.close();
            }
        }
    }

    /** Builds the service and its sandbox pool; without bubblewrap, code rewards are disabled (logged). */
    public static Mounted mountable(Config config) {
        RewardMetrics metrics = new RewardMetrics();
        SandboxPool p = null;
        try {
            Sandbox sb = Sandbox.detect();
            int workers = config.sandboxWorkers() > 0
                    ? config.sandboxWorkers()
                    : Runtime.getRuntime().availableProcessors();
            p = new SandboxPool(sb, workers, config.sandboxQueue(), metrics);
        } catch (SandboxUnavailableException e) {
            LOG.warning("code rewards disabled: " + e.getMessage());
        }
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService scoring = Executors.newFixedThreadPool(
                Math.max(2, cores),
                Thread.ofPlatform().name("r1-reward-", 0).daemon().factory());
        RewardScorer scorer = new RewardScorer(config.rewards(), p, metrics);
        RewardGrpcService service = new RewardGrpcService(
                scorer, config.advantage(), config.maxPendingGroups(), config.maxInFlight(), scoring);
        return new Mounted(service, p, scoring, scorer, metrics);
    }

    private RewardServer(Config config, ServerInterceptor... interceptors) {
        this.config = config;
        this.mounted = mountable(config);
        this.metrics = mounted.metrics();
        this.pool = mounted.pool();
        this.scoring = mounted.scoring();
        this.scorer = mounted.scorer();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .addService(ServerInterceptors.intercept(mounted.service(), interceptors))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
    }

    /** Builds and starts a server. */
    public static RewardServer start(Config config) throws IOException {
        return start(config, new ServerInterceptor[0]);
    }

    /** Builds and starts a server whose RewardService calls pass {@code interceptors} (e.g. API keys) first. */
    public static RewardServer start(Config config, ServerInterceptor... interceptors) throws IOException {
        RewardServer s = new RewardServer(config, interceptors);
        try {
            s.startServing();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void startServing() throws IOException {
        if (config.metricsPort() >= 0) {
            metricsServer = HTTPServer.builder()
                    .hostname(config.host())
                    .port(config.metricsPort())
                    .registry(metrics.registry())
                    .buildAndStart();
        }
        server.start();
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SERVICE, ServingStatus.SERVING);
        LOG.info("r1 reward service on " + config.host() + ":" + port() + (pool == null ? " (no code sandbox)" : "")
                + (metricsServer == null ? "" : ", metrics on http port " + metricsServer.getPort()));
    }

    public int port() {
        return server.getPort();
    }

    /** The Prometheus endpoint's port, or -1 without one. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.getPort();
    }

    public RewardMetrics metrics() {
        return metrics;
    }

    /** The in-process scorer this server uses. */
    public RewardScorer scorer() {
        return scorer;
    }

    /** The service and what it runs on, for another front on the same scorer (the HTTP front); owned by this server. */
    public Mounted mounted() {
        return mounted;
    }

    /** Whether code tasks can run (bubblewrap found). */
    public boolean hasSandbox() {
        return pool != null;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops accepting calls, lets calls in flight finish for up to 5 s, then closes everything. */
    public void stop() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS))
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        scoring.shutdownNow();
        if (pool != null) pool.close();
        if (metricsServer != null) metricsServer.close();
    }

    @Override
    public void close() {
        stop();
    }
}
