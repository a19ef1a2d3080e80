package dev.r1serve.cli.eval;

import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.DateWindow;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.grading.TaskKind;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code r1 eval}: evaluates a served model on a benchmark the way the DeepSeek-R1 paper does and writes
 * samples.jsonl, summary.json, summary.md and report.html; {@code r1 eval regrade RUN} and
 * {@code r1 eval compare RUN_A RUN_B} work on recorded runs without a server.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate a served model on a benchmark: pass@1 (mean over k samples), unbiased pass@k, cons@k.",
            "Defaults follow the DeepSeek-R1 paper: temperature 0.6, top-p 0.95, 32768 tokens, no system prompt, <think> pre-filled."
        },
        subcommands = {RegradeCommand.class, CompareCommand.class, MergeCommand.class})
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    SamplingRunOptions run;

    @Option(
            names = "--benchmark",
            description =
                    "aime24, aime25, amc23, math500, gsm8k, mmlu-stem, gpqa-diamond, humaneval, livecodebench, ifeval or custom.")
    String benchmark;

    @Option(names = "--list", description = "List the benchmarks and exit.")
    boolean list;

    @Option(
            names = "--k",
            defaultValue = "0",
            description =
                    "Samples per question (default: the benchmark's: 64 AIME/AMC, 16 LiveCodeBench, 8 GPQA, 4 others).")
    int k;

    @Option(
            names = "--max-thinking-tokens",
            defaultValue = "0",
            description =
                    "A reasoning budget per sample: at it the "
                            + "server closes the reasoning (\\n</think>\\n\\n) and the model answers in the same sample (default: none).")
    int maxThinkingTokens;

    @Option(
            names = "--concurrency",
            defaultValue = "4",
            description = "Questions in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--since",
            paramLabel = "yyyy-MM-dd",
            description =
                    "livecodebench: only problems with contest_date on or after this day (the paper: 2024-08-01).")
    String since;

    @Option(
            names = "--until",
            paramLabel = "yyyy-MM-dd",
            description =
                    "livecodebench: only problems with contest_date on or before this day (the paper: 2025-01-31).")
    String until;

    @Option(
            names = "--data",
            description =
                    "Data file: GPQA's CSV, LiveCodeBench JSONL, a custom JSONL, or a replacement for bundled data.")
    Path data;

    @Option(
            names = "--question-field",
            defaultValue = "question",
            description = "custom: question field (default: ${DEFAULT-VALUE}).")
    String questionField;

    @Option(
            names = "--answer-field",
            defaultValue = "answer",
            description = "custom: gold answer field (default: ${DEFAULT-VALUE}).")
    String answerField;

    @Option(
            names = "--id-field",
            description = "custom: id field (default: each line's \"id\" when it has one, else the line number).")
    String idField;

    @Option(names = "--choices-field", description = "custom: options array field (choice grader).")
    String choicesField;

    // A string, not the enum: parsing must not depend on whether the enclosing CommandLine allows lower-case enums.
    @Option(
            names = "--grader",
            defaultValue = "math",
            description = "custom: math, gsm8k or choice (default: ${DEFAULT-VALUE}).")
    String grader;

    @Override
    public Integer call() {
        if (list) {
            for (Benchmark b : Benchmarks.all()) {
                System.out.printf(
                        "%-14s k=%-3d %s%s%n",
                        b.name(),
                        b.defaultK(),
                        b.description(),
                        b.unavailable() == null ? "" : "  [unavailable: " + b.unavailable() + "]");
            }
            System.out.printf(
                    "%-14s       any JSONL: --data PATH --question-field F --answer-field F [--id-field F] [--grader math|gsm8k|choice --choices-field F]%n",
                    "custom");
            return 0;
        }
        if (benchmark == null) {
            System.err.println("r1 eval: --benchmark is required (see --list)");
            return 2;
        }
        Path dir = run.outOr(benchmark);
        try {
            EvalSpec.Builder spec = EvalSpec.builder(benchmark, run.server, dir)
                    .model(run.model)
                    .k(k)
                    .limit(run.limit)
                    .maxTokens(run.maxTokens)
                    .maxThinkingTokens(maxThinkingTokens)
                    .sampling(run.temperature, run.topP)
                    .seed(run.seed)
                    .concurrency(concurrency)
                    .resume(run.resume)
                    .data(data)
                    .deadline(run.deadline())
                    .retry(run.retry())
                    .progress(run.progress())
                    .shard(run.shardOrAll())
                    .openai(run.openai())
                    .window(DateWindow.parse(since, until));
            if (benchmark.equals("custom")) {
                TaskKind kind;
                try {
                    kind = TaskKind.valueOf(grader.strip().toUpperCase(java.util.Locale.ROOT));
                    if (!kind.gradesBenchmarks()) throw new IllegalArgumentException(kind.label());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "--grader must be math, gsm8k or choice, got \"" + grader + "\"");
                }
                spec.custom(
                        data, new FieldMap(idField, questionField, answerField, choicesField, false, List.of()), kind);
            }
            EvalResult r = EvalRunner.run(spec.build());
            EvalRunner.printTable(r, System.out);
            System.out.println("wrote " + dir.resolve("samples.jsonl") + ", summary.json, summary.md, report.html");
            return 0;
        } catch (RuntimeException e) {
            return fail(e);
        }
    }

    static int fail(RuntimeException e) {
        System.err.println("r1 eval: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        return 1;
    }

    /** Runs {@code r1 eval ...} on its own (also what tests launch as a separate process). */
    public static void main(String[] args) {
        int code = new CommandLine(new EvalCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
        System.exit(code);
    }
}
