package dev.r1serve.cli;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.engine.llamacpp.NativeLibrary;
import dev.r1serve.server.gguf.TinyModelGenerator;
import dev.r1serve.server.model.BuiltinModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Decode tokens/s through the gRPC stream versus the same GGUF called directly through java-llama.cpp,
 * one sequence at a time, on a Qwen2-0.5B-shaped model with random weights that the project writes.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Decode tokens/s through gRPC streaming vs java-llama.cpp directly on the same GGUF; prints the ratio.")
final class BenchServeCommand implements Callable<Integer> {

    @Option(names = "--tokens", defaultValue = "128", description = "Tokens per generation (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--rounds", defaultValue = "3", description = "Generations per side; the median is reported.")
    int rounds;

    @Option(names = "--model", description = "A GGUF to use instead of the generated Qwen2-0.5B-shaped model.")
    Path model;

    @Option(names = "--threads", description = "Decoding threads (default: all cores).")
    Integer threads;

    private static final String PROMPT = "The answer is";

    @Override
    public Integer call() throws Exception {
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Path gguf = model != null ? model : benchModel();
        System.out.printf("model: %s (%.0f MB), threads %d, %d tokens x %d rounds, greedy, one sequence%n",
                gguf, Files.size(gguf) / 1e6, nThreads, tokens, rounds);

        List<Double> direct = new ArrayList<>();
        NativeLibrary.prepare();
        try (LlamaModel llama = new LlamaModel(new ModelParameters().setModel(gguf.toString()).setCtxSize(1024)
                .setParallel(1).setThreads(nThreads).setThreadsBatch(nThreads).disableLog())) {
            decodeDirect(llama); // warm-up
            for (int i = 0; i < rounds; i++) {
                direct.add(decodeDirect(llama));
            }
        }

        List<Double> viaGrpc = new ArrayList<>();
        ServerConfig config = new ServerConfig("127.0.0.1", 0, null, List.of(ModelConfig.llamaCpp("bench",
                gguf.toString(), "none", 1024, 1, nThreads)));
        try (R1Server server = R1Server.launch(config);
             R1Client client = R1Client.connect("127.0.0.1:" + server.port())) {
            decodeGrpc(client); // warm-up
            for (int i = 0; i < rounds; i++) {
                viaGrpc.add(decodeGrpc(client));
            }
        }
        double d = median(direct);
        double g = median(viaGrpc);
        System.out.printf("java-llama.cpp direct : %.1f tokens/s %s%n", d, direct);
        System.out.printf("r1-serve gRPC stream  : %.1f tokens/s %s%n", g, viaGrpc);
        System.out.printf("ratio gRPC/direct     : %.3f (target >= 0.95)%n", g / d);
        return 0;
    }

    private static Path benchModel() throws Exception {
        Path dir = BuiltinModels.cacheDir().resolve("bench");
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Path p = TinyModelGenerator.writeQwen2HalfBillionShape(dir);
        System.out.printf("bench model ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return p;
    }

    /** Tokens/s from the first to the last token (prefill excluded on both sides). */
    private double decodeDirect(LlamaModel llama) {
        InferenceParameters p = new InferenceParameters(PROMPT).setTemperature(0).setNPredict(tokens)
                .setIgnoreEos(true).setCachePrompt(false);
        LlamaIterator it = (LlamaIterator) llama.generate(p).iterator();
        long first = 0;
        long last = 0;
        int n = 0;
        while (it.hasNext()) {
            if (it.next().text.isEmpty() && !it.hasNext()) {
                break; // the final, empty result of the stream
            }
            last = System.nanoTime();
            if (first == 0) {
                first = last;
            }
            n++;
        }
        return (n - 1) / ((last - first) / 1e9);
    }

    private double decodeGrpc(R1Client client) {
        GenerateRequest r = GenerateRequest.newBuilder().setModel("bench").setPrompt(PROMPT)
                .setSampling(SamplingParams.newBuilder().setTemperature(0).setMaxTokens(tokens)).build();
        Iterator<GenerateChunk> it = client.generateStream(r);
        long first = 0;
        long last = 0;
        int generated = 0;
        while (it.hasNext()) {
            GenerateChunk c = it.next();
            if (c.hasFinal()) {
                generated = c.getFinal().getUsage().getCompletionTokens();
                continue;
            }
            last = System.nanoTime();
            if (first == 0) {
                first = last;
            }
        }
        if (generated < tokens / 2) {
            System.out.println("  note: the model ended after " + generated + " tokens");
        }
        return (generated - 1) / ((last - first) / 1e9);
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
