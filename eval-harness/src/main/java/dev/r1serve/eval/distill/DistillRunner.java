package dev.r1serve.eval.distill;

import dev.r1serve.client.R1Client;
import dev.r1serve.eval.Shard;
import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.grading.CodeGrading;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.sampling.AppendOnlyJsonl;
import dev.r1serve.eval.sampling.Sampler;
import dev.r1serve.eval.sampling.SamplingRun;
import dev.r1serve.eval.sampling.Workers;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.reward.LanguageReward;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code r1 distill}: rejection sampling for SFT data, as in the DeepSeek-R1 pipeline (paper sec. 2.3.3). For each
 * prompt, one request with n = k; each response is checked (verifier, code tests in the sandbox, or a judge model),
 * measured for the filters and appended to {@code samples.jsonl} as it finishes; at the end the filters and the
 * keep policy turn the responses into {@code sft.jsonl}, {@code rejected.jsonl} and {@code summary.json}.
 *
 * <p>Like {@code r1 eval}: resumable after kill -9 ({@code --resume} samples only what is missing, with the same
 * seeds), shardable ({@code --shard i/N}, then {@link DistillMerge#merge}), and the outputs are a pure function of the
 * recorded responses, so resumed, merged and uninterrupted runs write the same files.
 */
public final class DistillRunner {

    public static final String SAMPLES = SamplingRun.SAMPLES,
            MANIFEST = SamplingRun.MANIFEST,
            SFT = "sft.jsonl",
            REJECTED = "rejected.jsonl",
            SUMMARY = "summary.json";

    /** How distilled responses are stored and keyed (prompt id, sample index). */
    static final SamplingRun.Records<DistillRecord> RECORDS = new SamplingRun.Records<>(
            DistillRecord.class, DistillRecord::promptId, DistillRecord::sample, DistillRunner::problem);

    private DistillRunner() {}

    /** A finished run: where, what, and how fast. */
    public record Result(
            Path out, DistillManifest manifest, DistillSummary summary, double wallSeconds, int newSamples) {
        public double samplesPerSecond() {
            return wallSeconds > 0 ? newSamples / wallSeconds : 0;
        }
    }

    /** The prompts of a run (after limit and shard) and where they came from. */
    record Source(String label, String benchmarkData, String sha256, List<DistillPrompt> prompts) {}

    static Source load(Path data, String benchmark, Path benchmarkData, long seed, int limit, Shard shard) {
        List<DistillPrompt> all;
        String label, sha;
        if (data != null) {
            all = PromptSets.read(data);
            label = data.toString();
            try {
                sha = Dataset.sha256(Files.readAllBytes(data));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + data, e);
            }
        } else {
            Benchmark bench = Benchmarks.byName(benchmark);
            bench.requireAvailable();
            Dataset d = bench.load(benchmarkData);
            all = PromptSets.fromBenchmark(bench, d, seed);
            label = "benchmark:" + bench.name();
            sha = d.sha256();
        }
        if (limit > 0 && limit < all.size()) all = all.subList(0, limit);
        List<DistillPrompt> mine = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) if (shard.includes(i)) mine.add(all.get(i));
        return new Source(label, benchmarkData == null ? null : benchmarkData.toString(), sha, mine);
    }

    /** Runs (or, with {@code resume}, continues) a distillation and writes its outputs. */
    public static Result run(DistillSpec spec) {
        Source src = load(spec.data(), spec.benchmark(), spec.benchmarkData(), spec.seed(), spec.limit(), spec.shard());
        List<DistillPrompt> prompts = src.prompts();
        if (spec.judgeModel() == null) {
            prompts.stream().filter(p -> p.task() == TaskKind.OPEN).findFirst().ifPresent(p -> {
                throw new IllegalArgumentException(
                        "prompt " + p.id() + " is task open (checked by a judge model): pass --judge-model");
            });
        }
        if (spec.openai() != null && spec.judgeModel() != null && spec.judgeServer() == null) {
            throw new IllegalArgumentException(
                    "--judge-model with --openai-url needs --judge-server: the judge is served by r1-serve over gRPC");
        }
        boolean judgeElsewhere = spec.judgeModel() != null
                && spec.judgeServer() != null
                && (spec.openai() != null || !spec.judgeServer().equals(spec.server()));
        try (Sampler sampler = Sampler.connect(spec.server(), spec.openai());
                R1Client client = spec.openai() == null && spec.judgeModel() != null && !judgeElsewhere
                        ? R1Client.connect(spec.server())
                        : null;
                R1Client judgeClient = judgeElsewhere ? R1Client.connect(spec.judgeServer()) : null) {
            ModelInfo model = sampler.model(spec.model());
            boolean raw = "none".equals(model.getTemplate()) || "plain".equals(model.getTemplate());
            if (raw && spec.openai() != null) {
                throw new IllegalArgumentException(
                        "--openai-mode completions sends raw text; distillation needs chat turns: use --openai-mode chat");
            }
            if (raw) {
                throw new IllegalArgumentException("model " + model.getName()
                        + " has no chat template; distillation needs a chat (R1-style) model");
            }
            ModelJudge judge = null;
            if (spec.judgeModel() != null) {
                R1Client c = judgeElsewhere ? judgeClient : client;
                judge = new ModelJudge(
                        c,
                        Workers.pickModel(c, spec.judgeModel(), judgeElsewhere ? spec.judgeServer() : spec.server())
                                .getName(),
                        spec.judgeMaxTokens(),
                        spec.deadline(),
                        spec.retry());
            }
            if (prompts.stream().anyMatch(p -> p.task() == TaskKind.CODE))
                CodeGrading.pool(); // no bubblewrap: fail now, not per sample
            int maxTokens = model.getContextLength() > 0
                    ? Math.min(spec.maxTokens(), model.getContextLength())
                    : spec.maxTokens();
            DistillManifest manifest = new DistillManifest(
                    src.label(),
                    src.benchmarkData(),
                    src.sha256(),
                    prompts.size(),
                    spec.limit(),
                    spec.shard().isAll() ? null : spec.shard().toString(),
                    model.getName(),
                    model.getTemplate(),
                    spec.k(),
                    spec.keep().name().toLowerCase(Locale.ROOT),
                    spec.temperature(),
                    spec.topP(),
                    maxTokens,
                    spec.seed(),
                    spec.filters(),
                    spec.judgeModel(),
                    spec.judgeMaxTokens());
            try (AppendOnlyJsonl<DistillRecord> store = SamplingRun.open(
                    spec.out(), manifest, spec.resume(), DistillManifest.class, DistillManifest::equals, RECORDS)) {
                long t0 = System.nanoTime();
                int fresh = SamplingRun.sample(
                        sampler,
                        prompts,
                        manifest.k(),
                        work(manifest, new CorrectnessChecker(judge)),
                        store,
                        RECORDS,
                        new SamplingRun.Settings(
                                spec.concurrency(),
                                spec.deadline(),
                                spec.retry(),
                                spec.progress(),
                                "distill",
                                "prompt",
                                "pass"));
                double wall = (System.nanoTime() - t0) / 1e9;
                DistillSummary summary =
                        writeOutputs(spec.out(), prompts, store.records(), spec.filters(), spec.keep());
                return new Result(spec.out(), manifest, summary, wall, fresh);
            }
        }
    }

    private static String problem(DistillRecord r) {
        return r.promptId() == null || r.finishReason() == null ? "record without promptId or finishReason" : null;
    }

    /** A distillation's prompts as a sampling run's work: one request with n = k per prompt, each response checked. */
    private static SamplingRun.Work<DistillPrompt, DistillRecord> work(DistillManifest m, CorrectnessChecker checker) {
        return new SamplingRun.Work<>() {
            @Override
            public String id(DistillPrompt p) {
                return p.id();
            }

            @Override
            public List<SamplingRun.Request> requests(DistillPrompt p) {
                return List.of(new SamplingRun.Request(0, request(m, p)));
            }

            @Override
            public DistillRecord record(DistillPrompt p, int index, Sample s, String finishReason) {
                return DistillRunner.record(p, index, s, finishReason, checker);
            }

            // the running share: responses passing the per-response filters (duplicates are decided at the end)
            @Override
            public boolean passes(DistillPrompt p, DistillRecord r) {
                return Filters.apply(m.filters(), p, r).isEmpty();
            }
        };
    }

    static GenerateRequest request(DistillManifest m, DistillPrompt p) {
        ChatMessages.Builder chat = ChatMessages.newBuilder();
        for (DistillPrompt.Message msg : p.messages())
            chat.addMessages(ChatMessage.newBuilder().setRole(msg.role()).setContent(msg.content()));
        long seed = SamplingRun.requestSeed(m.seed(), p.id(), -1);
        return GenerateRequest.newBuilder()
                .setModel(m.model())
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(m.temperature())
                        .setTopP(m.topP())
                        .setMaxTokens(m.maxTokens())
                        .setN(m.k())
                        .setSeed(seed))
                .setChat(chat)
                .setOptions(GenerateOptions.newBuilder().setPrefillThink(true)) // the template pre-fills "<think>\n"
                .build();
    }

    /** Checks and measures one response. */
    static DistillRecord record(DistillPrompt p, int index, Sample s, String finish, CorrectnessChecker checker) {
        String error = s.getError().isEmpty() ? null : s.getError();
        String reasoning = s.getReasoning(), answer = s.getAnswer(), text = s.getText();
        Check check;
        if (SamplingRun.failed(finish)) {
            check = new Check(null, "not checked: the generation failed");
        } else if (finish.equals("length") || !text.contains("</think>")) {
            check = new Check(null, "not checked: no complete answer");
        } else {
            check = checker.check(p, answer);
        }
        return new DistillRecord(
                p.id(),
                index,
                s.getSeed(),
                finish,
                text,
                reasoning,
                answer,
                check.correct(),
                check.detail(),
                languageConsistency(reasoning.isBlank() ? answer : reasoning, p.targetLanguage()),
                Filters.longestParagraph(reasoning),
                Filters.hasCodeBlock(reasoning),
                s.getUsage().getPromptTokens(),
                s.getUsage().getCompletionTokens(),
                error);
    }

    /**
     * Share of the text's words in the target language, by the reward sandbox's word counting; 1 when the text
     * has no words at all (formulas only mix no languages).
     */
    static double languageConsistency(String text, String target) {
        LanguageReward.WordCounts w = LanguageReward.count(text);
        if (w.total() == 0) return 1.0;
        long inTarget = target.toLowerCase(Locale.ROOT).startsWith("zh") ? w.han() : w.latin();
        return (double) inTarget / w.total();
    }

    /** Applies the filters and the keep policy to the recorded responses and writes the outputs. */
    static DistillSummary writeOutputs(
            Path out, List<DistillPrompt> prompts, List<DistillRecord> records, FilterConfig filters, KeepPolicy keep) {
        Selection.Outcome o = Selection.select(prompts, records, filters, keep);
        AppendOnlyJsonl.rewrite(out.resolve(SFT), o.kept());
        AppendOnlyJsonl.rewrite(out.resolve(REJECTED), o.rejected());
        try {
            SamplingRun.JSON.writeValue(out.resolve(SUMMARY).toFile(), o.summary());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve(SUMMARY), e);
        }
        return o.summary();
    }

    /** Reads a distillation's {@code run.json}. */
    public static DistillManifest readManifest(Path dir) {
        return SamplingRun.readManifest(dir, DistillManifest.class, "distill run directory");
    }
}
