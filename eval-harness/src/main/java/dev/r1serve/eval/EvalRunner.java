package dev.r1serve.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.ChoiceShuffler;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.benchmark.Variant;
import dev.r1serve.eval.grading.Grade;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.metrics.MetricsCalculator;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.report.Reports;
import dev.r1serve.eval.sampling.Progress;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import dev.r1serve.eval.sampling.Sampler;
import dev.r1serve.eval.sampling.Workers;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Runs an evaluation end to end: load the benchmark, ask the server for k samples per question (one request with
 * n = k, GPQA one request per sample since each sees its own option order), grade every sample as it arrives,
 * append it to {@code samples.jsonl}, then compute the metrics and write the reports.
 *
 * <pre>{@code
 * EvalResult r = EvalRunner.run(EvalSpec.of("math500", "localhost:50051", Path.of("runs/m500")).withK(4).withLimit(10));
 * EvalRunner.printTable(r, System.out);
 * }</pre>
 */
public final class EvalRunner {

    /** File names inside a run directory. */
    public static final String SAMPLES = "samples.jsonl", MANIFEST = "run.json";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

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
        Dataset data = bench.load(spec.dataPath()).window(spec.window()).limit(spec.limit()).shard(spec.shard());
        int k = spec.k() > 0 ? spec.k() : bench.defaultK();
        Grader grader = grader(bench, data);
        try (Sampler client = Sampler.connect(spec.server(), spec.openai())) {
            ModelInfo model = client.model(spec.model());
            boolean chat = !"none".equals(model.getTemplate()) && !"plain".equals(model.getTemplate());
            // An OpenAI-compatible server applies its own chat template; only r1-serve's gRPC API takes the pre-fill flag.
            boolean prefill = chat && spec.openai() == null;
            // The paper's 32,768 tokens do not fit every model: the server refuses max_tokens beyond the context,
            // so the budget is capped there (and recorded as such in run.json).
            int maxTokens = model.getContextLength() > 0 ? Math.min(spec.maxTokens(), model.getContextLength()) : spec.maxTokens();
            RunManifest manifest = new RunManifest(bench.name(), spec.dataPath() == null ? null : spec.dataPath().toString(),
                    data.source(), data.sha256(), spec.customFields(), bench.grader(), data.questions().size(), spec.limit(),
                    bench.promptTemplate(), Grader.VERSION, model.getName(), model.getTemplate(), chat, prefill, k,
                    spec.temperature(), spec.topP(), maxTokens, spec.seed(), client.target(),
                    spec.shard().isAll() ? null : spec.shard().toString(), spec.window().label());
            Files.createDirectories(spec.out());
            Path manifestFile = spec.out().resolve(MANIFEST);
            if (spec.resume() && Files.exists(manifestFile)) {
                RunManifest recorded = readManifest(spec.out());
                if (!recorded.sameRunAs(manifest)) {
                    throw new IllegalStateException("cannot resume " + spec.out() + ": it was recorded with other settings\n  recorded: "
                            + recorded + "\n  now:      " + manifest);
                }
            }
            try (SampleStore store = SampleStore.open(spec.out().resolve(SAMPLES), spec.resume())) {
                JSON.writeValue(manifestFile.toFile(), manifest);
                long t0 = System.nanoTime();
                int fresh = sample(client, spec, bench, data, k, grader, manifest, store);
                double wall = (System.nanoTime() - t0) / 1e9;
                Summary summary = summarize(bench, data, k, grader, store.records());
                EvalResult result = new EvalResult(spec.out(), manifest, summary, wall, fresh);
                Reports.writeAll(result, store.records(), data);
                return result;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Grader grader(Benchmark bench, Dataset data) {
        int n = data.questions().stream().mapToInt(q -> q.choices().size()).max().orElse(0);
        return Grader.of(bench.grader(), n);
    }

    /** Seed of question {@code q}'s request (uint32, as llama.cpp takes). */
    static long requestSeed(long runSeed, String questionId, int sample) {
        return ChoiceShuffler.permutationSeed(runSeed, questionId, sample) & 0xFFFF_FFFFL;
    }

    private record Planned(Variant variant, int firstIndex, int n, long seed) {}

    /** The requests of one question: one with n = k, or one per sample when each sample has its own prompt. */
    private static List<Planned> plan(Benchmark bench, Question q, int k, long seed) {
        List<Planned> out = new ArrayList<>();
        if (bench.shufflePerSample()) {
            for (int i = 0; i < k; i++) out.add(new Planned(bench.variant(q, seed, i), i, 1, requestSeed(seed, q.id(), i)));
        } else {
            out.add(new Planned(bench.variant(q, seed, 0), 0, k, requestSeed(seed, q.id(), -1)));
        }
        return out;
    }

    private static int sample(Sampler client, EvalSpec spec, Benchmark bench, Dataset data, int k, Grader grader,
                              RunManifest manifest, SampleStore store) {
        Map<String, Set<Integer>> recorded = new HashMap<>();
        for (SampleRecord r : store.records()) recorded.computeIfAbsent(r.questionId(), x -> new HashSet<>()).add(r.sample());
        List<Question> todo = new ArrayList<>();
        int doneQuestions = 0;
        for (Question q : data.questions()) {
            if (recorded.getOrDefault(q.id(), Set.of()).size() >= k) doneQuestions++;
            else todo.add(q);
        }
        int alreadySamples = data.questions().stream().mapToInt(q -> Math.min(k, recorded.getOrDefault(q.id(), Set.of()).size())).sum();
        Progress progress = new Progress(spec.progress(), data.questions().size(), data.questions().size() * k, doneQuestions, alreadySamples);
        AtomicInteger fresh = new AtomicInteger();
        try {
            Workers.forEach(todo, spec.concurrency(), "question", Question::id, q -> {
                Set<Integer> have = recorded.getOrDefault(q.id(), Set.of());
                for (Planned p : plan(bench, q, k, manifest.seed())) {
                    boolean needed = false;
                    for (int i = p.firstIndex(); i < p.firstIndex() + p.n(); i++) needed |= !have.contains(i);
                    if (!needed) continue;
                    GenerateRequest req = request(manifest, p);
                    Set<Integer> skip = new HashSet<>();
                    for (int i : have) if (i >= p.firstIndex() && i < p.firstIndex() + p.n()) skip.add(i - p.firstIndex());
                    // lazily: each sample is recorded as it finishes
                    Iterable<Sample> samples = client.samples(req, skip, spec.deadline(), spec.retry());
                    for (Sample s : samples) {
                        int index = p.firstIndex() + s.getIndex();
                        if (have.contains(index)) continue; // recorded before a crash; same seed, same sample
                        SampleRecord rec = record(q, index, s, grader, p.variant());
                        store.append(rec);
                        fresh.incrementAndGet();
                        progress.sample(rec.correct(), rec.completionTokens());
                    }
                }
                progress.question();
            });
        } finally {
            progress.finish();
        }
        return fresh.get();
    }

    static GenerateRequest request(RunManifest m, Planned p) {
        GenerateRequest.Builder b = GenerateRequest.newBuilder().setModel(m.model())
                .setSampling(SamplingParams.newBuilder().setTemperature((float) m.temperature()).setTopP((float) m.topP())
                        .setMaxTokens(m.maxTokens()).setN(p.n()).setSeed(p.seed()));
        if (m.chat()) {
            // No system prompt (the paper's protocol); the template pre-fills "<think>\n".
            b.setChat(ChatMessages.newBuilder().addMessages(ChatMessage.newBuilder().setRole("user").setContent(p.variant().prompt())));
            b.setOptions(GenerateOptions.newBuilder().setPrefillThink(m.prefillThink()));
        } else {
            b.setPrompt(p.variant().prompt()); // base model without a chat template: raw text
        }
        return b.build();
    }

    static SampleRecord record(Question q, int index, Sample s, Grader grader, Variant v) {
        String finish = s.getFinishReason().name().replace("FINISH_REASON_", "").toLowerCase(Locale.ROOT);
        if (finish.equals("error") && (s.getError().contains("has a context of") || s.getError().contains("maximum context length"))) {
            finish = "prompt_too_long";
        }
        // Only the answer section counts; a cancelled or failed sample has no answer whatever it wrote.
        boolean usable = usable(finish);
        Grade g = grader.grade(v, usable ? s.getAnswer() : "");
        return new SampleRecord(q.id(), index, s.getSeed(), finish, s.getText(), s.getReasoning(), s.getAnswer(),
                g.extracted(), g.vote(), g.correct(), g.rule(), s.getUsage().getPromptTokens(),
                s.getUsage().getCompletionTokens(), s.getTimings().getTotalMs(), s.getError().isEmpty() ? null : s.getError());
    }

    private static boolean usable(String finishReason) {
        return !finishReason.equals("cancelled") && !finishReason.equals("error") && !finishReason.equals("prompt_too_long");
    }

    static Summary summarize(Benchmark bench, Dataset data, int k, Grader grader, List<SampleRecord> records) {
        return MetricsCalculator.compute(data.questions(), SampleStore.byQuestion(records), k, grader, bench.breakdowns());
    }

    /** Reads a run directory's {@code run.json}. */
    public static RunManifest readManifest(Path dir) {
        Path f = dir.resolve(MANIFEST);
        if (!Files.exists(f)) throw new DataFormatException(f + ": no such file (not a run directory?)");
        try {
            return JSON.readValue(f.toFile(), RunManifest.class);
        } catch (IOException e) {
            throw new DataFormatException(f + ": unreadable run manifest: " + e.getMessage(), e);
        }
    }

    /**
     * Re-grades a run's recorded samples with the current grader, no server needed: rewrites {@code samples.jsonl}
     * with the new grades and the summary files, and returns the result plus how many grades changed.
     */
    public static Regraded regrade(Path dir) {
        RunManifest m = readManifest(dir);
        Benchmark bench = m.benchmark().equals("custom") ? Benchmarks.custom(m.customFields(), m.grader(), m.k())
                : Benchmarks.byName(m.benchmark());
        Dataset data = bench.load(m.dataPath() == null ? null : Path.of(m.dataPath())).window(m.windowOrAll()).limit(m.limit())
                .shard(m.shardOrAll());
        if (!data.sha256().equals(m.dataSha256())) {
            throw new IllegalStateException("data of " + m.benchmark() + " changed since the run (" + data.source() + " has SHA-256 "
                    + data.sha256() + ", the run recorded " + m.dataSha256() + "); re-grading would mismatch golds");
        }
        Grader grader = grader(bench, data);
        Map<String, Question> byId = data.questions().stream().collect(Collectors.toMap(Question::id, q -> q));
        List<SampleRecord> old = SampleStore.read(dir.resolve(SAMPLES));
        List<SampleRecord> fresh = new ArrayList<>(old.size());
        int changed = 0;
        for (SampleRecord r : old) {
            Question q = byId.get(r.questionId());
            if (q == null) throw new IllegalStateException(dir.resolve(SAMPLES) + ": question " + r.questionId() + " is not in the data");
            boolean usable = usable(r.finishReason());
            Grade g = grader.grade(bench.variant(q, m.seed(), r.sample()), usable ? r.answer() : "");
            SampleRecord n = r.withGrade(g.extracted(), g.vote(), g.correct(), g.rule());
            if (n.correct() != r.correct()) changed++;
            fresh.add(n);
        }
        Summary summary = summarize(bench, data, m.k(), grader, fresh);
        SampleStore.rewrite(dir.resolve(SAMPLES), fresh);
        EvalResult result = new EvalResult(dir, m, summary, 0, 0);
        Reports.writeAll(result, fresh, data);
        return new Regraded(result, changed);
    }

    /**
     * Combines the shard runs of one evaluation ({@code r1 eval --shard i/N} for every i) into one run in
     * {@code out}, with the same metrics as an unsharded run: the shards must be of one run (same data,
     * model, sampling and seed) and cover every shard exactly once.
     */
    public static EvalResult merge(List<Path> shardDirs, Path out) {
        if (shardDirs.isEmpty()) throw new IllegalArgumentException("merge needs the shard run directories");
        List<RunManifest> manifests = shardDirs.stream().map(EvalRunner::readManifest).toList();
        RunManifest first = manifests.get(0);
        Shard.requireCompleteSet(manifests.stream().map(RunManifest::shardOrAll).toList(), shardDirs);
        for (int i = 1; i < manifests.size(); i++) {
            if (!manifests.get(i).asWhole(0).equals(first.asWhole(0).withServer(manifests.get(i).server()))) {
                throw new IllegalArgumentException(shardDirs.get(i) + " is not of the same run as " + shardDirs.get(0)
                        + " (data, model, sampling or seed differ)");
            }
        }
        Benchmark bench = first.benchmark().equals("custom") ? Benchmarks.custom(first.customFields(), first.grader(), first.k())
                : Benchmarks.byName(first.benchmark());
        Dataset data = bench.load(first.dataPath() == null ? null : Path.of(first.dataPath())).window(first.windowOrAll())
                .limit(first.limit());
        List<SampleRecord> records = new ArrayList<>();
        for (Path dir : shardDirs) {
            records.addAll(SampleStore.read(dir.resolve(SAMPLES)));
        }
        Grader grader = grader(bench, data);
        Summary summary = summarize(bench, data, first.k(), grader, records);
        RunManifest merged = first.asWhole(data.questions().size());
        try {
            Files.createDirectories(out);
            JSON.writeValue(out.resolve(MANIFEST).toFile(), merged);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + out.resolve(MANIFEST), e);
        }
        SampleStore.rewrite(out.resolve(SAMPLES), records);
        EvalResult result = new EvalResult(out, merged, summary, 0, 0);
        Reports.writeAll(result, records, data);
        return result;
    }

    /** A re-grading's result and the number of samples whose correctness changed. */
    public record Regraded(EvalResult result, int changed) {}

    /** Prints the terminal summary table. */
    public static void printTable(EvalResult r, PrintStream out) {
        out.print(Reports.table(r));
        out.flush();
    }
}
