package dev.r1serve.cli;

import dev.r1serve.client.R1Client;
import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.model.BuiltinModels;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 demo}: serves the bundled stories260K on loopback and streams a generation through gRPC. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Serve the bundled stories260K model on a loopback port and stream a story through gRPC.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "0", description = "Loopback port (default: a free one).")
    int port;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the story (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--eval-questions",
            defaultValue = "10",
            description =
                    "MATH-500 questions of the small eval that follows the story; 0 skips it (default: ${DEFAULT-VALUE}).")
    int evalQuestions;

    @Override
    public Integer call() throws Exception {
        String model = BuiltinModels.STORIES_260K;
        ServerConfig config =
                new ServerConfig("127.0.0.1", port, null, List.of(ModelConfig.of(model, BuiltinModels.STORIES_260K)));
        System.out.println(
                "Starting r1-serve with the bundled " + model + " model (real trained weights, GGUF, llama.cpp)...");
        try (R1Server server = R1Server.launch(config)) {
            String address = "127.0.0.1:" + server.port();
            System.out.println("Serving on " + address + " (gRPC: r1.v1.InferenceService, grpc.health.v1, reflection)");
            System.out.println();
            System.out.println("Streaming a story (temperature 0.6, top-p 0.95, seed " + seed + "):");
            System.out.println();
            try (R1Client client = R1Client.connect(address)) {
                GenerateRequest request = GenerateRequest.newBuilder()
                        .setModel(model)
                        .setPrompt("")
                        .setSampling(SamplingParams.newBuilder().setSeed(seed).setMaxTokens(256))
                        .build();
                PrintWriter out = new PrintWriter(System.out, true);
                try (R1Client.GenerationStream events = client.stream(request)) {
                    GenerateCommand.stream(events, out, 1, false);
                }
                out.flush();
            }
            System.out.println();
            if (evalQuestions > 0) {
                System.out.println("Evaluating it as the R1 paper does: " + evalQuestions + " MATH-500 questions, k=4,"
                        + " temperature 0.6, top-p 0.95 (a 260K-parameter story model scores ~0: that is honest)...");
                Path out = Files.createTempDirectory("r1-demo-eval");
                EvalResult result = EvalRunner.run(EvalSpec.of("math500", address, out)
                        .withModel(model)
                        .withK(4)
                        .withLimit(evalQuestions)
                        .withMaxTokens(256));
                EvalRunner.printTable(result, System.out);
                System.out.println("Report: " + out.resolve("report.html")
                        + " (samples.jsonl, summary.json, summary.md beside it)");
                System.out.println();
            }
            System.out.println("Try it yourself while a server runs (./r1 serve --model stories260k):");
            System.out.println("  grpcurl -plaintext -d '{\"model\":\"stories260k\",\"prompt\":\"Once upon a time\","
                    + "\"sampling\":{\"max_tokens\":64}}' localhost:" + R1Server.DEFAULT_PORT
                    + " r1.v1.InferenceService/GenerateStream");
            System.out.println("  ./r1 generate --model stories260k --max-tokens 64 \"Once upon a time\"");
        }
        return 0;
    }
}
