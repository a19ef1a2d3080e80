package dev.r1serve.eval;

import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.sampling.SamplingRun;
import java.nio.file.Path;

/**
 * What a run was computed from, written to {@code run.json} before the first sample: enough to reproduce it, to
 * re-grade it without a server, and to refuse resuming it with different settings.
 *
 * @param dataPath the user-given data file, null for bundled data
 * @param dataSha256 SHA-256 of the data file's bytes
 * @param questions questions evaluated (after {@code limit})
 * @param promptTemplate the user-message template ({@code {question}}, {@code {options}})
 * @param chat whether prompts went through the model's chat template (false for template "none": raw text)
 * @param prefillThink whether the assistant turn was pre-filled with {@code <think>\n}
 * @param seed the run seed
 * @param shard {@code i/N} for one shard of a sharded run, null for a whole run
 * @param window the release window of the questions ({@code 2024-08-01..2025-01-31}), null for all of them
 * @param maxThinkingTokens the reasoning budget per sample, null for none (and in runs recorded before it existed)
 */
public record RunManifest(
        String benchmark,
        String dataPath,
        String dataSource,
        String dataSha256,
        FieldMap customFields,
        TaskKind grader,
        int questions,
        int limit,
        String promptTemplate,
        String graderVersion,
        String model,
        String modelTemplate,
        boolean chat,
        boolean prefillThink,
        int k,
        double temperature,
        double topP,
        int maxTokens,
        long seed,
        String server,
        String shard,
        String window,
        Integer maxThinkingTokens) {

    /** Reads a run directory's {@code run.json}. */
    public static RunManifest read(Path dir) {
        return SamplingRun.readManifest(dir, RunManifest.class, "run directory");
    }

    /** The benchmark this run evaluated (a custom one from its recorded field mapping). */
    Benchmark benchmarkOf() {
        return benchmark.equals("custom") ? Benchmarks.custom(customFields, grader, k) : Benchmarks.byName(benchmark);
    }

    /** The questions this run evaluated, before its shard: the data, window and limit it recorded. */
    Dataset unshardedData(Benchmark bench) {
        return bench.load(dataPath == null ? null : Path.of(dataPath))
                .window(windowOrAll())
                .limit(limit);
    }

    /** Whether {@code other} is another shard of the run {@code this} is a shard of (replicas may differ). */
    boolean sameShardedRunAs(RunManifest other) {
        return other.asWhole(0).equals(asWhole(0).withServer(other.server()));
    }

    /** Whether a run recorded with {@code this} may be continued with {@code other} (all but the server match). */
    public boolean sameRunAs(RunManifest other) {
        return benchmark.equals(other.benchmark)
                && dataSha256.equals(other.dataSha256)
                && questions == other.questions
                && promptTemplate.equals(other.promptTemplate)
                && model.equals(other.model)
                && chat == other.chat
                && prefillThink == other.prefillThink
                && k == other.k
                && temperature == other.temperature
                && topP == other.topP
                && maxTokens == other.maxTokens
                && seed == other.seed
                && java.util.Objects.equals(shard, other.shard)
                && java.util.Objects.equals(window, other.window)
                && java.util.Objects.equals(maxThinkingTokens, other.maxThinkingTokens);
    }

    /** The release window this run's questions were chosen by. */
    public dev.r1serve.eval.benchmark.DateWindow windowOrAll() {
        if (window == null) return dev.r1serve.eval.benchmark.DateWindow.ALL;
        String[] p = window.split("\\.\\.", -1);
        return dev.r1serve.eval.benchmark.DateWindow.parse(p[0], p.length > 1 ? p[1] : null);
    }

    /** The shard this run covers. */
    public Shard shardOrAll() {
        return shard == null ? Shard.ALL : Shard.parse(shard);
    }

    /** The same run as one whole (unsharded) run of {@code questions} questions. */
    public RunManifest asWhole(int allQuestions) {
        return new RunManifest(
                benchmark,
                dataPath,
                dataSource,
                dataSha256,
                customFields,
                grader,
                allQuestions,
                limit,
                promptTemplate,
                graderVersion,
                model,
                modelTemplate,
                chat,
                prefillThink,
                k,
                temperature,
                topP,
                maxTokens,
                seed,
                server,
                null,
                window,
                maxThinkingTokens);
    }

    /** The same manifest with another server (shards of one run may have used different replicas). */
    public RunManifest withServer(String other) {
        return new RunManifest(
                benchmark,
                dataPath,
                dataSource,
                dataSha256,
                customFields,
                grader,
                questions,
                limit,
                promptTemplate,
                graderVersion,
                model,
                modelTemplate,
                chat,
                prefillThink,
                k,
                temperature,
                topP,
                maxTokens,
                seed,
                other,
                shard,
                window,
                maxThinkingTokens);
    }
}
