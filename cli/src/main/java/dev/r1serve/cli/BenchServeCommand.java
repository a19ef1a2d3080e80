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
import dev.r1serve.testkit.TinyModelGenerator;
import dev.r1serve.server.model.BuiltinModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.r1serve.server.gguf.GgmlType;
import dev.r1serve.testkit.RealVocabModels;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Decode tokens/s through the gRPC stream versus the same GGUF called directly through java-llama.cpp,
 * on a Qwen2-0.5B-shaped model with random weights that the project writes, or with {@code --shape} a
 * DeepSeek-R1-Distill-shaped Q8_0 model with the real vocabulary ({@code 8b}: Llama 3.1's), at 1 and 4
 * concurrent streams, with the process's resident memory.
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

    @Option(names = "--shape", description = "Real-vocabulary R1-Distill shape: tiny, 0.5b, 1.5b, 7b (Qwen), 8b (Llama); "
            + "written once into the model cache.")
    String shape;

    @Option(names = "--streams", split = ",", defaultValue = "1",
            description = "Concurrent streams to measure, e.g. 1,4 (default: 1; with --shape: 1,4).")
    List<Integer> streams;

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "Hugging Face tokenizer folder for --shape "
            + "(default: ../shared/data/tokenizers/qwen3 or llama3.1 above the current directory).")
    Path tokenizer;

    private static final String PROMPT = "The answer is";

    @Override
    public Integer call() throws Exception {
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (shape != null && !spec.commandLine().getParseResult().hasMatchedOption("--streams")) {
            streams = List.of(1, 4);
        }
        for (int n : streams) {
            if (n < 1 || n > 16) {
                throw new IllegalArgumentException("--streams: each must be in [1, 16], got " + n);
            }
        }
        Path gguf = model != null ? model : shape != null ? shapeModel() : benchModel();
        int maxStreams = streams.stream().mapToInt(Integer::intValue).max().orElse(1);
        System.out.printf("model: %s (%.0f MB), threads %d, %d tokens x %d rounds, greedy, streams %s%n",
                gguf, Files.size(gguf) / 1e6, nThreads, tokens, rounds, streams);
        long rssStart = rssKb();

        Map<Integer, List<Double>> direct = new TreeMap<>();
        NativeLibrary.prepare();
        long rssDirect;
        try (LlamaModel llama = new LlamaModel(new ModelParameters().setModel(gguf.toString())
                .setCtxSize(CONTEXT * maxStreams).setParallel(maxStreams).enableContBatching()
                .setThreads(nThreads).setThreadsBatch(nThreads).disableLog())) {
            decodeDirect(llama, 1); // warm-up
            for (int n : streams) {
                for (int i = 0; i < rounds; i++) {
                    direct.computeIfAbsent(n, k -> new ArrayList<>()).add(decodeDirect(llama, n));
                }
            }
            rssDirect = rssKb();
        }

        Map<Integer, List<Double>> viaGrpc = new TreeMap<>();
        long rssBeforeServer = rssKb();
        long rssGrpc;
        ServerConfig config = new ServerConfig("127.0.0.1", 0, null, List.of(ModelConfig.llamaCpp("bench",
                gguf.toString(), "none", CONTEXT, maxStreams, nThreads)));
        try (R1Server server = R1Server.launch(config);
             R1Client client = R1Client.connect("127.0.0.1:" + server.port())) {
            decodeGrpc(client, 1); // warm-up
            for (int n : streams) {
                for (int i = 0; i < rounds; i++) {
                    viaGrpc.computeIfAbsent(n, k -> new ArrayList<>()).add(decodeGrpc(client, n));
                }
            }
            rssGrpc = rssKb();
        }
        for (int n : streams) {
            double d = median(direct.get(n));
            double g = median(viaGrpc.get(n));
            System.out.printf("%d stream(s): java-llama.cpp direct %.1f tokens/s %s | r1-serve gRPC %.1f tokens/s %s"
                    + " | ratio %.3f%n", n, d, direct.get(n), g, viaGrpc.get(n), g / d);
        }
        System.out.printf("resident memory: %.0f MB at start, %.0f MB with the model loaded directly, %.0f MB in the "
                + "server (%.0f MB before it; java-llama.cpp keeps some native memory of a closed model)%n",
                rssStart / 1024.0, rssDirect / 1024.0, rssGrpc / 1024.0, rssBeforeServer / 1024.0);
        return 0;
    }

    private static final int CONTEXT = 1024;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The real-vocabulary model of --shape, written once into the model cache. */
    private Path shapeModel() throws Exception {
        boolean llama = shape.equals("8b");
        Path dir = tokenizer != null ? tokenizer : findTokenizer(llama ? "llama3.1" : "qwen3");
        Path out = BuiltinModels.cacheDir().resolve("bench").resolve((llama ? "llama3-" : "r1-distill-qwen-") + shape + "-q8_0.gguf");
        if (!Files.isRegularFile(out)) {
            Files.createDirectories(out.getParent());
            long t0 = System.nanoTime();
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            RealVocabModels.write(dir, llama ? "llama" : "qwen2", shape, GgmlType.Q8_0, !llama, partial);
            Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            System.out.printf("bench model written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        return out;
    }

    private static Path findTokenizer(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/data/tokenizers").resolve(name);
            if (Files.isRegularFile(candidate.resolve("tokenizer.json"))) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("--tokenizer: no shared/data/tokenizers/" + name
                + " above the current directory; give the Hugging Face tokenizer folder");
    }

    /** VmRSS of this process in kB (0 where /proc is not available). */
    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux
        }
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

    /**
     * Tokens/s of {@code streams} sequences together, from the first token to the last (prefill excluded on
     * both sides); the sequences are read round-robin from one thread, as the engine does.
     */
    private double decodeDirect(LlamaModel llama, int streams) {
        List<LlamaIterator> its = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            InferenceParameters p = new InferenceParameters(PROMPT).setTemperature(0).setNPredict(tokens)
                    .setIgnoreEos(true).setCachePrompt(false).setSeed(s + 1);
            its.add((LlamaIterator) llama.generate(p).iterator());
        }
        long first = 0;
        long last = 0;
        int n = 0;
        while (!its.isEmpty()) {
            for (Iterator<LlamaIterator> i = its.iterator(); i.hasNext(); ) {
                LlamaIterator it = i.next();
                if (!it.hasNext()) {
                    i.remove();
                    continue;
                }
                if (it.next().text.isEmpty() && !it.hasNext()) {
                    i.remove(); // the final, empty result of the stream
                    continue;
                }
                last = System.nanoTime();
                if (first == 0) {
                    first = last;
                }
                n++;
            }
        }
        return (n - 1) / ((last - first) / 1e9);
    }

    /** Tokens/s of {@code streams} concurrent GenerateStream calls, first token to last. */
    private double decodeGrpc(R1Client client, int streams) throws InterruptedException {
        java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger generated = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            GenerateRequest r = GenerateRequest.newBuilder().setModel("bench").setPrompt(PROMPT)
                    .setSampling(SamplingParams.newBuilder().setTemperature(0).setMaxTokens(tokens).setSeed(s + 1)).build();
            threads.add(Thread.ofPlatform().start(() -> {
                Iterator<GenerateChunk> it = client.generateStream(r);
                while (it.hasNext()) {
                    GenerateChunk c = it.next();
                    if (c.hasFinal()) {
                        generated.addAndGet(c.getFinal().getUsage().getCompletionTokens());
                        continue;
                    }
                    long now = System.nanoTime();
                    first.accumulateAndGet(now, Math::min);
                    last.accumulateAndGet(now, Math::max);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (generated.get() < streams * tokens / 2) {
            System.out.println("  note: the model ended after " + generated.get() + " tokens in all");
        }
        return (generated.get() - 1) / ((last.get() - first.get()) / 1e9);
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
