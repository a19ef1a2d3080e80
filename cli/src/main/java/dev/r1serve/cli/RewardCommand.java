package dev.r1serve.cli;

import com.google.protobuf.util.JsonFormat;
import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.reward.LengthPenalty;
import dev.r1serve.reward.RewardOptions;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.reward.http.RewardHttpFront;
import dev.r1serve.reward.http.RewardHttpServer;
import dev.r1serve.server.security.ApiKeyInterceptor;
import dev.r1serve.server.security.ApiKeys;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 reward serve|score}: the reward service for RL trainers. */
@Command(
        name = "reward",
        mixinStandardHelpOptions = true,
        description = "Rule-based rewards and GRPO advantages (RewardService).",
        subcommands = {RewardCommand.Serve.class, RewardCommand.Score.class})
final class RewardCommand {

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = "Serve r1.v1.RewardService (with health and reflection) until interrupted.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(
                names = "--port",
                defaultValue = "" + RewardServer.DEFAULT_PORT,
                description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
        int port;

        @Option(names = "--metrics-port", defaultValue = "-1", description = "Prometheus HTTP port (default: none).")
        int metricsPort;

        @Option(
                names = "--http-port",
                paramLabel = "PORT",
                description = "Also serve the HTTP/JSON front (/v1/rewards:score,"
                        + " /openrlhf/reward, /run_code) on this port (0: any free port).")
        Integer httpPort;

        @Option(
                names = "--api-keys",
                paramLabel = "FILE",
                description =
                        "API keys, one 'name:sha256hex' per line, required on gRPC and HTTP calls; without it the service is open.")
        Path apiKeys;

        @Option(
                names = "--format-partial-credit",
                description = "0.25 per correctly used tag instead of all-or-nothing.")
        boolean partial;

        @Option(names = "--max-chars", description = "Overlong penalty: -1 at this many characters.")
        Integer maxChars;

        @Option(
                names = "--overlong-buffer",
                defaultValue = "0",
                description = "Overlong penalty ramp width in characters.")
        int buffer;

        @Override
        public Integer call() throws Exception {
            RewardOptions opts = new RewardOptions(
                    partial,
                    maxChars == null ? null : new LengthPenalty(maxChars, buffer),
                    RewardOptions.DEFAULT.codeLimits(),
                    false);
            ApiKeys keys;
            try {
                keys = apiKeys == null ? null : ApiKeys.load(apiKeys);
            } catch (IOException e) {
                throw new IllegalArgumentException("--api-keys: " + e.getMessage(), e);
            }
            RewardServer.Config config = RewardServer.Config.loopback(port)
                    .withHost(host)
                    .withRewards(opts)
                    .withMetricsPort(metricsPort);
            RewardServer server =
                    keys == null ? RewardServer.start(config) : RewardServer.start(config, new ApiKeyInterceptor(keys));
            RewardHttpServer http = null;
            try {
                if (httpPort != null) {
                    http = RewardHttpServer.start(
                            host,
                            httpPort,
                            new RewardHttpFront(server.mounted(), keys == null ? null : keys::authenticate));
                }
            } catch (IOException | RuntimeException e) {
                server.stop();
                throw e;
            }
            RewardHttpServer front = http;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (front != null) front.close();
                server.stop();
            }));
            System.out.println("r1 reward service listening on " + host + ":" + server.port()
                    + (front == null ? "" : " (HTTP front on port " + front.port() + ")")
                    + (server.hasSandbox() ? "" : " (code rewards disabled: apt-get install bubblewrap)"));
            if (keys == null)
                System.out.println(
                        "no API keys: the reward service is open to anyone who can reach it (--api-keys FILE)");
            server.awaitTermination();
            return 0;
        }
    }

    @Command(
            name = "score",
            mixinStandardHelpOptions = true,
            description =
                    "Score rollouts from a JSONL file (one r1.v1.Rollout as JSON per line); prints one RolloutResult JSON per line.")
    static final class Score implements Callable<Integer> {
        @Option(names = "--jsonl", required = true, description = "Rollouts, one JSON object per line.")
        Path jsonl;

        @Option(
                names = "--server",
                description = "HOST:PORT of a running reward service (default: an in-process one on loopback).")
        String server;

        @Override
        public Integer call() throws Exception {
            ScoreRequest.Builder req = ScoreRequest.newBuilder();
            List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                Rollout.Builder b = Rollout.newBuilder();
                try {
                    JsonFormat.parser().merge(lines.get(i), b);
                } catch (Exception e) {
                    System.err.println(jsonl + ":" + (i + 1) + ": not a Rollout: " + e.getMessage());
                    return 2;
                }
                req.addRollouts(b);
            }
            RewardServer local = null;
            String target = server;
            if (target == null) {
                local = RewardServer.start(RewardServer.Config.loopback(0));
                target = "127.0.0.1:" + local.port();
            }
            int colon = target.lastIndexOf(':');
            ManagedChannel ch = NettyChannelBuilder.forAddress(
                            target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))
                    .usePlaintext()
                    .maxInboundMessageSize(64 << 20)
                    .build();
            try {
                var resp = RewardServiceGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(10, TimeUnit.MINUTES)
                        .score(req.build());
                JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
                for (RolloutResult r : resp.getResultsList()) System.out.println(printer.print(r));
                return 0;
            } catch (StatusRuntimeException e) {
                System.err.println("score failed: " + e.getStatus().getCode() + ": "
                        + e.getStatus().getDescription());
                return 1;
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                if (local != null) local.close();
            }
        }
    }
}
