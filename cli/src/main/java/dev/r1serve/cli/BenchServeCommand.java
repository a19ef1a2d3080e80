package dev.r1serve.cli;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.engine.llamacpp.NativeLibrary;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.generation.Generation;
import dev.r1serve.server.generation.GenerationRequest;
import dev.r1serve.server.generation.GenerationService;
import dev.r1serve.server.gguf.GgmlType;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.validation.RequestValidator;
import dev.r1serve.testkit.RealVocabModels;
import dev.r1serve.testkit.TinyModelGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * r1-serve against java-llama.cpp's own server loop on the same GGUF (a Qwen2-0.5B-shaped model with random
 * weights that the project writes, or with {@code --shape} a DeepSeek-R1-Distill-shaped Q8_0 model with the real
 * vocabulary), counted the same way on both sides: engine steps, i.e. every generation runs to exactly
 * {@code --tokens} tokens (llama.cpp's ignore_eos directly; r1-serve's exact per-step count through gRPC). The
 * baseline runs in a child JVM ({@link JavaLlamaCppProcess} says why). Rounds alternate (direct, gRPC, direct,
 * ...) so drift in the machine hits both sides; each row prints the per-round ratio's min/median/max.
 *
 * <p>A scheduler row holds r1-serve's engine driven directly against the same engine through
 * {@link GenerationService} and the scheduler (no gRPC), in the same process. An n = 16 row compares one request
 * for 16 samples with 16 separate requests on a 400-token prompt; {@code --vs URL} runs the same streams against
 * any OpenAI-compatible server beside r1-serve's own HTTP front.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "r1-serve (gRPC) vs java-llama.cpp directly on the same GGUF, rounds interleaved; the scheduler's "
                        + "cost; n = 16 vs 16 requests; optionally the same against an OpenAI-compatible server (--vs).")
final class BenchServeCommand implements Callable<Integer> {

    @Option(
            names = "--tokens",
            defaultValue = "128",
            description = "Tokens per generation (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = "Rounds per side, interleaved (default: ${DEFAULT-VALUE}, at least 5 for the figures).")
    int rounds;

    @Option(names = "--model", description = "A GGUF to use instead of the generated Qwen2-0.5B-shaped model.")
    Path model;

    @Option(names = "--threads", description = "Decoding threads (default: all cores).")
    Integer threads;

    @Option(
            names = "--shape",
            description = "Real-vocabulary R1-Distill shape: tiny, 0.5b, 1.5b, 7b (Qwen), 8b (Llama); "
                    + "written once into the model cache.")
    String shape;

    @Option(
            names = "--streams",
            split = ",",
            defaultValue = "1,4",
            description = "Concurrent streams to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> streams;

    @Option(
            names = "--samples",
            defaultValue = "16",
            description = "n of the one-request-vs-separate-requests row; 0 skips it (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(
            names = "--sample-tokens",
            defaultValue = "32",
            description = "Tokens per sample in that row (default: ${DEFAULT-VALUE}).")
    int sampleTokens;

    @Option(
            names = "--vs",
            paramLabel = "URL",
            description = "An OpenAI-compatible server (e.g. http://127.0.0.1:8080 "
                    + "for a llama-server on the same GGUF) to run the streams against, beside r1-serve's HTTP front.")
    String vs;

    @Option(
            names = "--vs-model",
            defaultValue = "bench",
            description = "The model name to send to --vs (default: ${DEFAULT-VALUE}).")
    String vsModel;

    @Option(
            names = "--tokenizer",
            paramLabel = "DIR",
            description = "Hugging Face tokenizer folder for --shape "
                    + "(default: ../shared/data/tokenizers/qwen3 or llama3.1 above the current directory).")
    Path tokenizer;

    @Option(
            names = "--logprobs",
            paramLabel = "K",
            defaultValue = "-1",
            description = "Also measure gRPC with log-probabilities and K alternatives (0-20) against gRPC without, "
                    + "interleaved: their cost over the whole vocabulary (default: skipped).")
    int logprobs;

    @Option(
            names = "--second-model",
            description = "Host a second copy of the model in the server, warmed with one generation and idle while "
                    + "the rows run: two llama.cpp contexts in one process (their decodes share one thread).")
    boolean secondModel;

    private static final String PROMPT = JavaLlamaCppProcess.PROMPT;

    @Override
    public Integer call() throws Exception {
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        for (int n : streams) {
            if (n < 1 || n > 16) {
                throw new IllegalArgumentException("--streams: each must be in [1, 16], got " + n);
            }
        }
        if (logprobs < -1 || logprobs > 20) {
            throw new IllegalArgumentException("--logprobs must be in [0, 20], got " + logprobs);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        }
        Path gguf = model != null ? model : shape != null ? shapeModel() : benchModel();
        int slots =
                Math.max(4, streams.stream().mapToInt(Integer::intValue).max().orElse(1));
        System.out.printf(
                "model: %s (%.0f MB), threads %d, %d slots, %d tokens x %d rounds (interleaved), greedy, "
                        + "streams %s%n",
                gguf, Files.size(gguf) / 1e6, nThreads, slots, tokens, rounds, streams);

        NativeLibrary.prepare();
        ServerConfig config = new ServerConfig(
                "127.0.0.1",
                0,
                64,
                (secondModel ? List.of("bench", "bench-2") : List.of("bench"))
                        .stream()
                                .map(name ->
                                        ModelConfig.llamaCpp(name, gguf.toString(), "none", CONTEXT, slots, nThreads))
                                .toList(),
                null,
                null,
                null,
                null,
                0,
                null);
        Map<Integer, List<Double>> direct = new TreeMap<>();
        Map<Integer, List<Double>> viaGrpc = new TreeMap<>();
        Map<Integer, List<Double>> engineAlone = new TreeMap<>();
        Map<Integer, List<Double>> viaService = new TreeMap<>();
        try (JavaLlamaCppProcess llama = new JavaLlamaCppProcess(gguf, CONTEXT, slots, nThreads, tokens);
                R1Server server = R1Server.launch(config);
                GenerationService service =
                        new GenerationService(server.models(), server.metrics().generation());
                R1Client client = R1Client.connect("127.0.0.1:" + server.port())) {
            Engine engine = server.models().find("bench").orElseThrow().engine();
            llama.decode(1); // warm-up
            decodeGrpc(client, 1);
            decodeEngine(engine, 1);
            decodeService(service, 1);
            if (secondModel) {
                decodeEngine(server.models().find("bench-2").orElseThrow().engine(), 1);
            }
            for (int n : streams) {
                for (int i = 0; i < rounds; i++) {
                    direct.computeIfAbsent(n, k -> new ArrayList<>()).add(llama.decode(n));
                    viaGrpc.computeIfAbsent(n, k -> new ArrayList<>()).add(decodeGrpc(client, n));
                    engineAlone.computeIfAbsent(n, k -> new ArrayList<>()).add(decodeEngine(engine, n));
                    viaService.computeIfAbsent(n, k -> new ArrayList<>()).add(decodeService(service, n));
                }
                printRow(
                        n + " stream(s), gRPC",
                        "engine called directly",
                        engineAlone.get(n),
                        "r1-serve gRPC",
                        viaGrpc.get(n));
                printRow(
                        n + " stream(s), scheduler",
                        "engine called directly",
                        engineAlone.get(n),
                        "through GenerationService and scheduler",
                        viaService.get(n));
                printRow(
                        n + " stream(s), vs java-llama.cpp",
                        "java-llama.cpp's server loop (own process)",
                        direct.get(n),
                        "r1-serve gRPC",
                        viaGrpc.get(n));
            }
            if (logprobs >= 0) {
                for (int n : streams) {
                    List<Double> plain = new ArrayList<>();
                    List<Double> with = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        plain.add(decodeGrpc(client, n));
                        with.add(decodeGrpc(client, n, logprobs));
                    }
                    printRow(
                            n + " stream(s), logprobs",
                            "r1-serve gRPC",
                            plain,
                            "with logprobs (top " + logprobs + ")",
                            with);
                }
            }
            if (samples > 0) {
                counter = llama;
                sharedPrompt(client);
            }
            if (vs != null) {
                versus(server.httpPort());
            }
            System.out.printf(
                    "resident memory: r1-serve %.0f MB, java-llama.cpp %.0f MB%n",
                    JavaLlamaCppProcess.rssKb() / 1024.0, llama.childRssKb() / 1024.0);
        }
        return 0;
    }

    private void printRow(String what, String aName, List<Double> a, String bName, List<Double> b) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            ratios.add(b.get(i) / a.get(i));
        }
        System.out.printf(
                "%s: %s %.1f tokens/s (median of %s) | %s %.1f tokens/s (median of %s) | ratio min %.3f "
                        + "median %.3f max %.3f%n",
                what,
                aName,
                median(a),
                fmt(a),
                bName,
                median(b),
                fmt(b),
                Collections.min(ratios),
                median(ratios),
                Collections.max(ratios));
    }

    private static String fmt(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.1f", x)).toList().toString();
    }

    /**
     * One request for n samples of a ~400-token prompt vs n separate concurrent requests: with the same prompt
     * (the engine shares it across requests too) and with a different prompt each (every one prefilled, as every
     * sample was before prompts were shared). Throughput: generated tokens over the wall time, prefill included.
     */
    private void sharedPrompt(R1Client client) throws Exception {
        List<Double> one = new ArrayList<>();
        List<Double> same = new ArrayList<>();
        List<Double> distinct = new ArrayList<>();
        long[] cached = new long[3];
        for (int i = 0; i < Math.min(rounds, 3); i++) {
            String p = longPrompt("round " + i + " ");
            one.add(throughput(client, List.of(p), samples, cached, 0));
            same.add(throughput(
                    client, java.util.Collections.nCopies(samples, longPrompt("same " + i + " ")), 1, cached, 1));
            List<String> ps = new ArrayList<>();
            for (int k = 0; k < samples; k++) {
                ps.add(longPrompt("distinct " + i + "." + k + " "));
            }
            distinct.add(throughput(client, ps, 1, cached, 2));
        }
        System.out.printf(
                "n = %d, %d tokens each, ~400-token prompt: one request %.1f tokens/s %s (cached prompt tokens "
                        + "%d) | %d requests, same prompt %.1f %s (cached %d) | %d requests, distinct prompts %.1f %s (cached %d)"
                        + " | one request / distinct: min %.2f median %.2f max %.2f%n",
                samples,
                sampleTokens,
                median(one),
                fmt(one),
                cached[0],
                samples,
                median(same),
                fmt(same),
                cached[1],
                samples,
                median(distinct),
                fmt(distinct),
                cached[2],
                ratio(one, distinct, Collections::min),
                ratio(one, distinct, BenchServeCommand::median),
                ratio(one, distinct, Collections::max));
    }

    private static double ratio(List<Double> a, List<Double> b, java.util.function.Function<List<Double>, Double> f) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return f.apply(r);
    }

    /** 400 tokens (as the model's tokenizer counts) of ordinary text, distinct per {@code tag} from its first token. */
    private String longPrompt(String tag) throws java.io.IOException {
        StringBuilder b = new StringBuilder(tag);
        for (int i = 0; counter.count(b.toString()) < 400; i++) {
            b.append("Sentence ").append(i).append(" of the context says something plain. ");
        }
        return b.toString();
    }

    private JavaLlamaCppProcess counter;

    private double throughput(R1Client client, List<String> prompts, int n, long[] cached, int slot)
            throws InterruptedException {
        java.util.concurrent.atomic.AtomicLong generated = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong fromCache = new java.util.concurrent.atomic.AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (String p : prompts) {
            GenerateRequest r = GenerateRequest.newBuilder()
                    .setModel("bench")
                    .setPrompt(p)
                    .setSampling(SamplingParams.newBuilder()
                            .setTemperature(1)
                            .setMaxTokens(sampleTokens)
                            .setN(n)
                            .setSeed(1))
                    .build();
            ts.add(Thread.ofPlatform().start(() -> {
                for (var s : client.generateRaw(r).getSamplesList()) {
                    generated.addAndGet(s.getUsage().getCompletionTokens());
                    fromCache.addAndGet(s.getTimings().getPromptTokensCached());
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        cached[slot] += fromCache.get();
        return generated.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /** The streams rows against r1-serve's HTTP front and against {@code --vs}, rounds interleaved. */
    private void versus(int ownHttpPort) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String own = "http://127.0.0.1:" + ownHttpPort;
        for (int n : streams) {
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            openAi(http, own, "bench", 1);
            openAi(http, vs, vsModel, 1);
            for (int i = 0; i < rounds; i++) {
                a.add(openAi(http, own, "bench", n));
                b.add(openAi(http, vs, vsModel, n));
            }
            printRow(n + " stream(s), OpenAI /v1/completions, prefill included", "r1-serve", a, vs, b);
        }
    }

    /** Completion tokens/s of {@code streams} concurrent non-streaming completions (usage as each server reports it). */
    private double openAi(java.net.http.HttpClient http, String base, String modelName, int streams) throws Exception {
        // llama-server's ignore_eos keeps its generations at --tokens; r1-serve refuses unknown fields, and random
        // weights practically never sample EOS (both report the tokens they generated)
        boolean own = modelName.equals("bench") && base.startsWith("http://127.0.0.1:") && !base.equals(vs);
        String body = "{\"model\":\"" + modelName + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":" + tokens
                + ",\"temperature\":0" + (own ? "" : ",\"ignore_eos\":true") + "}";
        var req = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base.replaceAll("/+$", "") + "/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build();
        long t0 = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> fs = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            fs.add(http.sendAsync(req, java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        long total = 0;
        for (var f : fs) {
            var resp = f.get();
            if (resp.statusCode() != 200) {
                throw new IllegalStateException(base + " answered " + resp.statusCode() + ": " + resp.body());
            }
            var m = java.util.regex.Pattern.compile("\"completion_tokens\"\\s*:\\s*(\\d+)")
                    .matcher(resp.body());
            if (!m.find()) {
                throw new IllegalStateException(base + " reported no usage.completion_tokens: " + resp.body());
            }
            total += Long.parseLong(m.group(1));
        }
        return total / ((System.nanoTime() - t0) / 1e9);
    }

    private static final int CONTEXT = 1024;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The real-vocabulary model of --shape, written once into the model cache. */
    private Path shapeModel() throws Exception {
        boolean llama = shape.equals("8b");
        Path dir = tokenizer != null ? tokenizer : findTokenizer(llama ? "llama3.1" : "qwen3");
        Path out = BuiltinModels.cacheDir()
                .resolve("bench")
                .resolve((llama ? "llama3-" : "r1-distill-qwen-") + shape + "-q8_0.gguf");
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

    private static Path benchModel() throws Exception {
        Path dir = BuiltinModels.cacheDir().resolve("bench");
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Path p = TinyModelGenerator.writeQwen2HalfBillionShape(dir);
        System.out.printf("bench model ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return p;
    }

    /** Tokens/s of {@code streams} concurrent GenerateStream calls, first token to last, counted by the server (engine steps). */
    private double decodeGrpc(R1Client client, int streams) throws InterruptedException {
        return decodeGrpc(client, streams, -1);
    }

    /** @param topLogprobs -1: no log-probabilities; else return them with this many alternatives */
    private double decodeGrpc(R1Client client, int streams, int topLogprobs) throws InterruptedException {
        Span span = new Span();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            GenerateRequest.Builder b = GenerateRequest.newBuilder()
                    .setModel("bench")
                    .setPrompt(PROMPT)
                    .setSampling(SamplingParams.newBuilder()
                            .setTemperature(0)
                            .setMaxTokens(tokens)
                            .setSeed(s + 1));
            if (topLogprobs >= 0) {
                b.setOptions(
                        GenerateOptions.newBuilder().setReturnLogprobs(true).setTopLogprobs(topLogprobs));
            }
            GenerateRequest r = b.build();
            threads.add(Thread.ofPlatform().start(() -> {
                Iterator<GenerateChunk> it = client.generateStream(r);
                while (it.hasNext()) {
                    GenerateChunk c = it.next();
                    if (c.hasFinal()) {
                        span.tokens.addAndGet(c.getFinal().getUsage().getCompletionTokens());
                    } else {
                        span.text();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (span.tokens.get() < streams * tokens) {
            System.out.println(
                    "  note: the model ended early: " + span.tokens.get() + " of " + streams * tokens + " tokens");
        }
        return span.tokensPerSecond();
    }

    /** First text to last, with counts from the results: the shape of a decode measurement on every side. */
    private static final class Span {
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong();
        final AtomicInteger tokens = new AtomicInteger();

        void text() {
            long now = System.nanoTime();
            first.accumulateAndGet(now, Math::min);
            last.accumulateAndGet(now, Math::max);
        }

        double tokensPerSecond() {
            return (tokens.get() - 1) / ((last.get() - first.get()) / 1e9);
        }
    }

    /** Tokens/s of {@code streams} sequences submitted to the engine itself: no scheduler, no gRPC. */
    private double decodeEngine(Engine engine, int streams) throws InterruptedException {
        Span span = new Span();
        CountDownLatch done = new CountDownLatch(streams);
        AtomicReference<String> failed = new AtomicReference<>();
        for (int s = 0; s < streams; s++) {
            SequenceSpec spec = SequenceSpec.builder(PROMPT)
                    .temperature(0)
                    .topP(RequestValidator.DEFAULT_TOP_P)
                    .maxTokens(tokens)
                    .seed(s + 1)
                    .build();
            engine.submit(spec, new SequenceListener() {
                @Override
                public void onText(String text, int[] tokenIds) {
                    span.text();
                }

                @Override
                public void onFinish(SequenceResult result) {
                    span.tokens.addAndGet(result.completionTokens());
                    if (result.error() != null) {
                        failed.set(result.error());
                    }
                    done.countDown();
                }
            });
        }
        done.await();
        if (failed.get() != null) {
            throw new IllegalStateException("the engine failed: " + failed.get());
        }
        return span.tokensPerSecond();
    }

    /** Tokens/s of {@code streams} requests through GenerationService and the model's scheduler, without gRPC. */
    private double decodeService(GenerationService service, int streams) throws InterruptedException {
        Span span = new Span();
        CountDownLatch done = new CountDownLatch(streams);
        AtomicReference<ServerException> failed = new AtomicReference<>();
        for (int s = 0; s < streams; s++) {
            GenerationRequest request = new GenerationRequest(
                    "bench",
                    new GenerationRequest.Prompt(PROMPT),
                    new GenerationRequest.Sampling(
                            0, RequestValidator.DEFAULT_TOP_P, 0, 0, 0, 0, s + 1, tokens, List.of()),
                    1,
                    0,
                    "",
                    false);
            service.submit(request, GenerationService.Caller.of("bench", null), new Generation.Observer() {
                @Override
                public void onDelta(int index, String text, int[] tokenIds) {
                    span.text();
                }

                @Override
                public void onSample(dev.r1serve.proto.v1.Sample sample) {
                    span.tokens.addAndGet(sample.getUsage().getCompletionTokens());
                }

                @Override
                public void onComplete(List<dev.r1serve.proto.v1.Sample> samples) {
                    done.countDown();
                }

                @Override
                public void onError(ServerException error) {
                    failed.set(error);
                    done.countDown();
                }
            });
        }
        done.await();
        if (failed.get() != null) {
            throw new IllegalStateException(
                    "GenerationService refused: " + failed.get().getMessage());
        }
        return span.tokensPerSecond();
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
