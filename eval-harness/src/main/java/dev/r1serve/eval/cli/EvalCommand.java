package dev.r1serve.eval.cli;

import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.benchmark.GraderKind;
import dev.r1serve.eval.sampling.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code r1 eval}: evaluates a served model on a benchmark the way the DeepSeek-R1 paper does and writes
 * samples.jsonl, summary.json, summary.md and report.html; {@code r1 eval regrade RUN} and
 * {@code r1 eval compare RUN_A RUN_B} work on recorded runs without a server.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a served model on a benchmark: pass@1 (mean over k samples), unbiased pass@k, cons@k.",
                "Defaults follow the DeepSeek-R1 paper: temperature 0.6, top-p 0.95, 32768 tokens, no system prompt, <think> pre-filled."},
        subcommands = {RegradeCommand.class, CompareCommand.class, MergeCommand.class})
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--benchmark", description = "aime24, aime25, amc23, math500, gsm8k, mmlu-stem, gpqa-diamond, humaneval, livecodebench or custom.")
    String benchmark;

    @Option(names = "--list", description = "List the benchmarks and exit.")
    boolean list;

    @Option(names = "--server", defaultValue = "localhost:50051", description = "r1-serve server HOST:PORT (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--model", description = "Model name (default: the server's first model).")
    String model;

    @Option(names = "--k", defaultValue = "0", description = "Samples per question (default: the benchmark's: 64 AIME/AMC, 8 GPQA, 4 others).")
    int k;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate only the first N questions.")
    int limit;

    @Option(names = "--max-tokens", defaultValue = "32768", description = "Tokens per sample (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.6", description = "Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--top-p", defaultValue = "0.95", description = "Default: ${DEFAULT-VALUE}.")
    float topP;

    @Option(names = "--seed", defaultValue = "0", description = "Run seed (uint32); request seeds and GPQA shuffles derive from it.")
    long seed;

    @Option(names = "--concurrency", defaultValue = "4", description = "Questions in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--out", description = "Run directory (default: runs/BENCHMARK-TIMESTAMP).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out, skipping recorded samples.")
    boolean resume;

    @Option(names = "--data", description = "Data file: GPQA's CSV, LiveCodeBench JSONL, a custom JSONL, or a replacement for bundled data.")
    Path data;

    @Option(names = "--question-field", defaultValue = "question", description = "custom: question field (default: ${DEFAULT-VALUE}).")
    String questionField;

    @Option(names = "--answer-field", defaultValue = "answer", description = "custom: gold answer field (default: ${DEFAULT-VALUE}).")
    String answerField;

    @Option(names = "--id-field", description = "custom: id field (default: the line number).")
    String idField;

    @Option(names = "--choices-field", description = "custom: options array field (choice grader).")
    String choicesField;

    // A string, not the enum: parsing must not depend on whether the enclosing CommandLine allows lower-case enums.
    @Option(names = "--grader", defaultValue = "math", description = "custom: math, gsm8k or choice (default: ${DEFAULT-VALUE}).")
    String grader;

    @Option(names = "--deadline-s", defaultValue = "7200", description = "Per-request deadline in seconds (default: ${DEFAULT-VALUE}).")
    long deadlineSeconds;

    @Option(names = "--max-attempts", defaultValue = "8", description = "Calls per request on UNAVAILABLE/RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--shard", paramLabel = "i/N",
            description = "Evaluate only shard i of N (questions whose position mod N is i); combine with 'r1 eval merge'.")
    String shard;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Override
    public Integer call() {
        if (list) {
            for (Benchmark b : Benchmarks.all()) {
                System.out.printf("%-14s k=%-3d %s%s%n", b.name(), b.defaultK(), b.description(),
                        b.unavailable() == null ? "" : "  [unavailable: " + b.unavailable() + "]");
            }
            System.out.printf("%-14s       any JSONL: --data PATH --question-field F --answer-field F [--id-field F] [--grader math|gsm8k|choice --choices-field F]%n", "custom");
            return 0;
        }
        if (benchmark == null) {
            System.err.println("r1 eval: --benchmark is required (see --list)");
            return 2;
        }
        Path dir = out != null ? out : Path.of("runs", benchmark + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            EvalSpec spec = EvalSpec.of(benchmark, server, dir).withModel(model).withK(k).withLimit(limit).withMaxTokens(maxTokens)
                    .withSampling(temperature, topP).withSeed(seed).withConcurrency(concurrency).withResume(resume)
                    .withData(data).withDeadline(Duration.ofSeconds(deadlineSeconds))
                    .withRetry(new RetryPolicy(maxAttempts, Duration.ofMillis(250), Duration.ofSeconds(30)))
                    .withProgress(quiet ? null : System.err)
                    .withShard(shard == null ? dev.r1serve.eval.Shard.ALL : dev.r1serve.eval.Shard.parse(shard));
            if (benchmark.equals("custom")) {
                GraderKind kind;
                try {
                    kind = GraderKind.valueOf(grader.strip().toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--grader must be math, gsm8k or choice, got \"" + grader + "\"");
                }
                spec = spec.withCustom(data, new FieldMap(idField, questionField, answerField, choicesField, false, List.of()), kind);
            }
            EvalResult r = EvalRunner.run(spec);
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
        int code = new CommandLine(new EvalCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }
}
