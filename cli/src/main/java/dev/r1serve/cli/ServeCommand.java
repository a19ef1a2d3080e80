package dev.r1serve.cli;

import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 serve}: hosts models over gRPC until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over gRPC (InferenceService, health, reflection).")
final class ServeCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML file listing the models to host.")
        Path config;

        @Option(names = "--model", paramLabel = "NAME_OR_PATH",
                description = "Host one model: a GGUF file or a built-in name (stories260k).")
        String model;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--port", description = "gRPC port (default: ${DEFAULT-VALUE}, or the config's).")
    Integer port;

    @Option(names = "--host", description = "Address to bind (default: 0.0.0.0, or the config's).")
    String host;

    @Option(names = "--name", description = "Model name with --model (default: the file name without .gguf).")
    String name;

    @Option(names = "--template", description = "Chat template with --model: deepseek-r1, qwen2.5, llama3, none, auto.")
    String template;

    @Option(names = "--slots", description = "Sequences decoded together with --model (default 4).")
    Integer slots;

    @Option(names = "--context", description = "Context length per sequence with --model.")
    Integer context;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        if (source.config != null) {
            config = ServerConfig.read(source.config);
        } else {
            String modelName = name != null ? name : defaultName(source.model);
            config = new ServerConfig(null, null, null, List.of(new ModelConfig(modelName, source.model, null,
                    template, context, slots, null, null, null, null)));
        }
        config = new ServerConfig(host != null ? host : config.host(), port != null ? port : config.port(),
                config.maxSamples(), config.models());
        R1Server server = R1Server.launch(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "r1-shutdown"));
        System.out.println("r1-serve listening on " + config.hostOrDefault() + ":" + server.port());
        server.blockUntilShutdown();
        return 0;
    }

    static String defaultName(String path) {
        String file = Path.of(path).getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }
}
