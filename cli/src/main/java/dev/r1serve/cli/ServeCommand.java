package dev.r1serve.cli;

import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.reward.http.RewardHttpFront;
import dev.r1serve.rollout.RolloutConfig;
import dev.r1serve.rollout.RolloutService;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.security.ApiKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 serve}: hosts models over gRPC until interrupted. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve models over gRPC (InferenceService, health, reflection).")
final class ServeCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML file listing the models to host.")
        Path config;

        @Option(
                names = "--model",
                paramLabel = "NAME_OR_PATH",
                description = "Host one model: a GGUF file or a built-in name (stories260k).")
        String model;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--port", description = "gRPC port (default: " + R1Server.DEFAULT_PORT + ", or the config's).")
    Integer port;

    @Option(names = "--host", description = "Address to bind (default: 0.0.0.0, or the config's).")
    String host;

    @Option(names = "--name", description = "Model name with --model (default: the file name without .gguf).")
    String name;

    @Option(
            names = "--template",
            description = "Chat template with --model: auto (the GGUF's own, else guessed "
                    + "from the name, else plain), deepseek-r1, qwen2.5, llama3, plain, none.")
    String template;

    @Option(
            names = "--chat-template",
            paramLabel = "FILE",
            description = "A Hugging Face Jinja chat template file " + "for --model (overrides --template).")
    Path chatTemplate;

    @Option(names = "--slots", description = "Sequences decoded together with --model (default 4).")
    Integer slots;

    @Option(names = "--context", description = "Context length per sequence with --model.")
    Integer context;

    @Option(
            names = "--rewards",
            description =
                    "Also serve the RewardService (rewards, GRPO advantages, code sandbox) and the RolloutService"
                            + " (groups sampled, scored and normalised in one stream) on this port"
                            + " and, with --http-port, its HTTP front (/v1/rewards:score, /openrlhf/reward, /run_code) beside the OpenAI API.")
    boolean withRewards;

    @Option(
            names = "--rollout-groups",
            paramLabel = "N",
            defaultValue = "128",
            description = "With --rewards: groups one RolloutService stream may have in flight; more end the call with"
                    + " RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
    int rolloutGroups;

    @Option(
            names = "--drain-timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description =
                    "On SIGTERM: how long work in flight may finish before it is cancelled (default: ${DEFAULT-VALUE}).")
    long drainTimeoutSeconds;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics (0 = a free port).")
    Integer metricsPort;

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            description =
                    "Serve the OpenAI-compatible API (/v1/completions, /v1/chat/completions) at http://HOST:PORT (0 = a free port).")
    Integer httpPort;

    @Option(
            names = "--api-keys",
            paramLabel = "FILE",
            description = "API keys, one 'name:sha256hex' per line; without it the server is open.")
    String apiKeys;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Server certificate chain (PEM) for TLS.")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Server private key (PKCS#8 PEM) for TLS.")
    String tlsKey;

    @Option(
            names = "--tls-client-ca",
            paramLabel = "FILE",
            description = "CA (PEM) that signs client certificates: requires them (mutual TLS).")
    String tlsClientCa;

    /**
     * Mistakes in what was asked for (a missing or invalid config file, a model file that is not GGUF, a port in
     * use) end in one line naming the file or port and the usage exit code (see {@link R1#refused}).
     */
    @Override
    public Integer call() throws Exception {
        try {
            return serve();
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (java.io.IOException e) {
            // ServerConfig.read and ServerOptions.from name the file and the setting.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private int serve() throws Exception {
        ServerConfig config;
        if (source.config != null) {
            if (!java.nio.file.Files.isRegularFile(source.config)) {
                throw new IllegalArgumentException("--config: file not found: " + source.config);
            }
            config = ServerConfig.read(source.config);
        } else {
            String modelName = name != null ? name : defaultName(source.model);
            ModelConfig model = ModelConfig.llamaCpp(modelName, source.model, template, context, slots, null);
            config = new ServerConfig(
                    null,
                    null,
                    null,
                    List.of(chatTemplate == null ? model : model.withChatTemplateFile(chatTemplate.toString())));
        }
        config = new ServerConfig(
                host != null ? host : config.host(),
                port != null ? port : config.port(),
                config.maxSamples(),
                config.models(),
                metricsPort != null ? metricsPort : config.metricsPort(),
                apiKeys != null ? apiKeys : config.apiKeysFile(),
                tls(config.tls()),
                config.rateLimit(),
                httpPort != null ? httpPort : config.httpPort(),
                config.maxMessageBytes());
        RewardServer.Mounted rewards = withRewards ? RewardServer.mountable(RewardServer.Config.loopback(0)) : null;
        R1Server server = launch(config, rewards, rolloutGroups);
        if (rewards != null && server.httpPort() >= 0) {
            mountRewardsHttp(server, rewards);
        }
        // SIGTERM (and Ctrl-C): drain, then halt with 0. Halting is needed because llama.cpp's native
        // loop thread is not a daemon, and a JVM ended by a signal would otherwise exit with 143.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.drain(Duration.ofSeconds(drainTimeoutSeconds));
                            if (rewards != null) {
                                rewards.close();
                            }
                            System.out.flush();
                            Runtime.getRuntime().halt(0);
                        },
                        "r1-drain"));
        System.out.println("r1-serve listening on " + config.hostOrDefault() + ":" + server.port()
                + (server.httpPort() >= 0
                        ? " (OpenAI API" + (rewards != null ? " and reward HTTP front" : "") + " on http port "
                                + server.httpPort() + ")"
                        : ""));
        server.blockUntilShutdown();
        return 0;
    }

    /** The server, with {@code rewards}' RewardService and a RolloutService on it unless {@code rewards} is null. */
    static R1Server launch(ServerConfig config, RewardServer.Mounted rewards, int rolloutGroups)
            throws java.io.IOException {
        if (rewards == null) {
            return R1Server.launch(config);
        }
        return R1Server.launch(
                config,
                List.of(rewards.service()),
                List.of(RolloutService.factory(rewards, RolloutConfig.DEFAULT.withMaxGroupsInFlight(rolloutGroups))));
    }

    /** The reward HTTP front on the OpenAI front's port, behind the server's own API keys. */
    static void mountRewardsHttp(R1Server server, RewardServer.Mounted rewards) {
        ApiKeys keys = server.apiKeys();
        new RewardHttpFront(rewards, keys == null ? null : keys::authenticate)
                .handlers()
                .forEach(server::mountHttp);
    }

    /** The config's TLS files, each overridden by its flag. */
    private ServerConfig.Tls tls(ServerConfig.Tls configured) {
        if (tlsCert == null && tlsKey == null && tlsClientCa == null) {
            return configured;
        }
        ServerConfig.Tls c = configured != null ? configured : new ServerConfig.Tls(null, null, null);
        return new ServerConfig.Tls(
                tlsCert != null ? tlsCert : c.cert(),
                tlsKey != null ? tlsKey : c.key(),
                tlsClientCa != null ? tlsClientCa : c.clientCa());
    }

    static String defaultName(String path) {
        String file = Path.of(path).getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }
}
