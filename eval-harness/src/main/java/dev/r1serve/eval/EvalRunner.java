package dev.r1serve.eval;

import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.benchmark.Variant;
import dev.r1serve.eval.grading.Grade;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.metrics.MetricsCalculator;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.report.Reports;
import dev.r1serve.eval.sampling.AppendOnlyJsonl;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import dev.r1serve.eval.sampling.Sampler;
import dev.r1serve.eval.sampling.SamplingRun;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an evaluation end to end: load the benchmark, ask the server for k samples per question (one request with
 * n = k, GPQA one request per sample since each sees its own option order), grade every sample as it arrives,
 * append it to {@code samples.jsonl}, then compute the metrics and write the reports. Recorded runs are re-graded
 * by {@link EvalRegrade} and shard runs combined by {@link EvalMerge}, both without a server.
 *
 * <pre>{@code
 * EvalResult r = EvalRunner.run(EvalSpec.builder("math500", "localhost:50051", Path.of("runs/m500")).k(4).limit(10).build());
 * EvalRunner.printTable(r, System.out);
 * }</pre>
 */
public final class EvalRunner {

    /** File names inside a run directory. */
    public static final String SAMPLES = SamplingRun.SAMPLES, MANIFEST = SamplingRun.MANIFEST;

    private EvalRunner() {}

    /** The benchmark a spec names (custom benchmarks from its field mapping). */
    public static Benchmark benchmark(EvalSpec spec) {
        if (spec.benchmark().equals("custom")) {
            if (spec.customFields() == null || spec.customGrader() == null || spec.dataPath() == null) {
                throw new IllegalArgumentException("benchmark custom needs --data PATH and its field mapping");
            }
            return Benchmarks.custom(spec.customFields(), spec.customGrader(), 1);
        }
        return Benchmarks.byName(spec.benchmark());
    }

    /** Runs (or, with {@code resume}, continues) an evaluation and writes its reports. */
    public static EvalResult run(EvalSpec spec) {
        Benchmark bench = benchmark(spec);
        bench.requireAvailable();
        Dataset data = bench.load(spec.dataPath())
                .window(spec.window())
                .limit(spec.limit())
                .shard(spec.shard());
        int k = spec.k() > 0 ? spec.k() : bench.defaultK();
        Grader grader = grader(bench, data);
        try (Sampler client = Sampler.connect(spec.server(), spec.openai())) {
            ModelInfo model = client.model(spec.model());
            boolean chat = !"none".equals(model.getTemplate()) && !"plain".equals(model.getTemplate());
            // An OpenAI-compatible server applies its own chat template; only r1-serve's gRPC API takes the pre-fill
            // flag.
            boolean prefill = chat && spec.openai() == null;
            // The paper's 32,768 tokens do not fit every model: the server refuses max_tokens beyond the context,
            // so the budget is capped there (and recorded as such in run.json).
            int maxTokens = model.getContextLength() > 0
                    ? Math.min(spec.maxTokens(), model.getContextLength())
                    : spec.maxTokens();
            RunManifest manifest = new RunManifest(
                    bench.name(),
                    spec.dataPath() == null ? null : spec.dataPath().toString(),
                    data.source(),
                    data.sha256(),
                    spec.customFields(),
                    bench.grader(),
                    data.questions().size(),
                    spec.limit(),
                    bench.promptTemplate(),
                    Grader.VERSION,
                    model.getName(),
                    model.getTemplate(),
                    chat,
                    prefill,
                    k,
                    spec.temperature(),
                    spec.topP(),
                    maxTokens,
                    spec.seed(),
                    client.target(),
                    spec.shard().isAll() ? null : spec.shard().toString(),
                    spec.window().label(),
                    spec.maxThinkingTokens() > 0 ? spec.maxThinkingTokens() : null);
            try (AppendOnlyJsonl<SampleRecord> store = SamplingRun.open(
                    spec.out(),
                    manifest,
                    spec.resume(),
                    RunManifest.class,
                    RunManifest::sameRunAs,
                    SampleStore.RECORDS)) {
                long t0 = System.nanoTime();
                int fresh = SamplingRun.sample(
                        client,
                        data.questions(),
                        k,
                        work(bench, grader, manifest),
                        store,
                        SampleStore.RECORDS,
                        new SamplingRun.Settings(
                                spec.concurrency(),
                                spec.deadline(),
                                spec.retry(),
                                spec.progress(),
                                "eval",
                                "question",
                                "acc"));
                double wall = (System.nanoTime() - t0) / 1e9;
                Summary summary = summarize(bench, data, k, grader, store.records());
                EvalResult result = new EvalResult(spec.out(), manifest, summary, wall, fresh);
                Reports.writeAll(result, store.records(), data);
                return result;
            }
        }
    }

    static Grader grader(Benchmark bench, Dataset data) {
        int n = data.questions().stream()
                .mapToInt(q -> q.choices().size())
                .max()
                .orElse(0);
        return Grader.of(bench.grader(), n);
    }

    /** An eval's questions as a sampling run's work: each sample graded as it arrives. */
    private static SamplingRun.Work<Question, SampleRecord> work(Benchmark bench, Grader grader, RunManifest m) {
        return new SamplingRun.Work<>() {
            @Override
            public String id(Question q) {
                return q.id();
            }

            /** One request with n = k, or one per sample when each sample has its own prompt (GPQA's shuffles). */
            @Override
            public List<SamplingRun.Request> requests(Question q) {
                List<SamplingRun.Request> out = new ArrayList<>();
                if (bench.shufflePerSample()) {
                    for (int i = 0; i < m.k(); i++) {
                        out.add(new SamplingRun.Request(
                                i,
                                request(
                                        m,
                                        bench.variant(q, m.seed(), i),
                                        1,
                                        SamplingRun.requestSeed(m.seed(), q.id(), i))));
                    }
                } else {
                    out.add(new SamplingRun.Request(
                            0,
                            request(
                                    m,
                                    bench.variant(q, m.seed(), 0),
                                    m.k(),
                                    SamplingRun.requestSeed(m.seed(), q.id(), -1))));
                }
                return out;
            }

            @Override
            public SampleRecord record(Question q, int index, Sample s, String finishReason) {
                return EvalRunner.record(
                        q,
                        index,
                        s,
                        finishReason,
                        grader,
                        bench.variant(q, m.seed(), bench.shufflePerSample() ? index : 0));
            }

            @Override
            public boolean passes(Question q, SampleRecord r) {
                return r.correct();
            }
        };
    }

    static GenerateRequest request(RunManifest m, Variant v, int n, long seed) {
        GenerateRequest.Builder b = GenerateRequest.newBuilder()
                .setModel(m.model())
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature((float) m.temperature())
                        .setTopP((float) m.topP())
                        .setMaxTokens(m.maxTokens())
                        .setN(n)
                        .setSeed(seed));
        if (m.maxThinkingTokens() != null) {
            b.getSamplingBuilder().setMaxThinkingTokens(m.maxThinkingTokens());
        }
        if (m.chat()) {
            // No system prompt (the paper's protocol); the template pre-fills "<think>\n".
            b.setChat(ChatMessages.newBuilder()
                    .addMessages(ChatMessage.newBuilder().setRole("user").setContent(v.prompt())));
            b.setOptions(GenerateOptions.newBuilder().setPrefillThink(m.prefillThink()));
        } else {
            b.setPrompt(v.prompt()); // base model without a chat template: raw text
        }
        return b.build();
    }

    static SampleRecord record(Question q, int index, Sample s, String finish, Grader grader, Variant v) {
        // Only the answer section counts; a cancelled or failed sample has no answer whatever it wrote.
        Grade g = grader.grade(v, SamplingRun.failed(finish) ? "" : s.getAnswer());
        return new SampleRecord(
                q.id(),
                index,
                s.getSeed(),
                finish,
                s.getText(),
                s.getReasoning(),
                s.getAnswer(),
                g.extracted(),
                g.vote(),
                g.correct(),
                g.rule(),
                s.getUsage().getPromptTokens(),
                s.getUsage().getCompletionTokens(),
                s.getTimings().getTotalMs(),
                s.getError().isEmpty() ? null : s.getError());
    }

    static Summary summarize(Benchmark bench, Dataset data, int k, Grader grader, List<SampleRecord> records) {
        return MetricsCalculator.compute(
                data.questions(), SampleStore.byQuestion(records), k, grader, bench.breakdowns());
    }

    /** Prints the terminal summary table. */
    public static void printTable(EvalResult r, PrintStream out) {
        out.print(Reports.table(r));
        out.flush();
    }
}
