package dev.r1serve.cli.eval;

import dev.r1serve.eval.distill.DistillMerge;
import dev.r1serve.eval.distill.DistillRunner;
import dev.r1serve.eval.distill.DistillSpec;
import dev.r1serve.eval.distill.FilterConfig;
import dev.r1serve.eval.distill.KeepPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code r1 distill}: rejection-sampled SFT data from a served model (DeepSeek-R1 sec. 2.3.3): k responses per
 * prompt, checked and filtered, written as chat JSONL with the rejections and a summary.
 */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description = {
            "Rejection sampling for SFT data: k responses per prompt, the correct and clean ones kept as chat JSONL.",
            "Writes sft.jsonl, rejected.jsonl (with reasons), summary.json; resumable (--resume) and shardable (--shard i/N, then 'merge').",
            "Filters, in order: error, truncated, empty_reasoning, incorrect, language_mixing, long_paragraph, code_in_reasoning;",
            "then duplicate and (with --keep-per-prompt best) surplus."
        },
        subcommands = DistillCommand.Merge.class)
public final class DistillCommand implements Callable<Integer> {

    @Mixin
    SamplingRunOptions run;

    @Option(
            names = "--data",
            description =
                    "Prompt JSONL: id, prompt|messages, task (math|gsm8k|choice|code|open|writing|qa), answer, tests, target_language.")
    Path data;

    @Option(
            names = "--benchmark",
            description = "Use a registered benchmark's questions as prompts instead (e.g. math500, gsm8k).")
    String benchmark;

    @Option(names = "--benchmark-data", description = "Data file for a benchmark that needs one (e.g. GPQA's CSV).")
    Path benchmarkData;

    @Option(
            names = "--k",
            defaultValue = "4",
            description = "Responses per prompt, one request with n = k (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--keep-per-prompt",
            defaultValue = "all",
            description = "all (every passing response, deduplicated) or best (one per prompt).")
    String keep;

    @Option(
            names = "--min-language-consistency",
            defaultValue = "0.95",
            description =
                    "Reject reasoning with a smaller share of target-language words (0 turns the filter off; default: ${DEFAULT-VALUE}).")
    double minLanguage;

    @Option(
            names = "--max-paragraph-chars",
            defaultValue = "3000",
            description =
                    "Reject reasoning with a longer paragraph (0 turns the filter off; default: ${DEFAULT-VALUE}).")
    int maxParagraph;

    @Option(
            names = "--allow-code-in-reasoning",
            description = "Keep fenced code blocks in the reasoning of non-code tasks.")
    boolean allowCode;

    @Option(names = "--allow-empty-reasoning", description = "Keep reasoning-task responses with an empty think block.")
    boolean allowEmpty;

    @Option(names = "--keep-duplicates", description = "Do not drop responses whose normalized text was seen before.")
    boolean keepDuplicates;

    @Option(
            names = "--judge-model",
            description = "A model served by r1-serve that grades 'open' prompts against their reference.")
    String judgeModel;

    @Option(names = "--judge-server", description = "HOST:PORT serving the judge model (default: --server).")
    String judgeServer;

    @Option(
            names = "--judge-max-tokens",
            defaultValue = "1024",
            description = "Tokens for the judge's reply (default: ${DEFAULT-VALUE}).")
    int judgeMaxTokens;

    @Option(
            names = "--concurrency",
            defaultValue = "8",
            description = "Prompts in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Override
    public Integer call() {
        Path dir = run.outOr("distill");
        try {
            KeepPolicy policy = switch (keep.strip().toLowerCase(Locale.ROOT)) {
                case "all" -> KeepPolicy.ALL;
                case "best", "best1", "1" -> KeepPolicy.BEST;
                default ->
                    throw new IllegalArgumentException("--keep-per-prompt must be all or best, got \"" + keep + "\"");
            };
            DistillSpec.Builder b = DistillSpec.builder(run.server, dir)
                    .model(run.model)
                    .k(k)
                    .keep(policy)
                    .maxTokens(run.maxTokens)
                    .sampling(run.temperature, run.topP)
                    .seed(run.seed)
                    .limit(run.limit)
                    .concurrency(concurrency)
                    .resume(run.resume)
                    .shard(run.shardOrAll())
                    .filters(new FilterConfig(minLanguage, maxParagraph, !allowCode, !allowEmpty, !keepDuplicates))
                    .judge(judgeModel, judgeMaxTokens)
                    .judgeServer(judgeServer)
                    .deadline(run.deadline())
                    .retry(run.retry())
                    .progress(run.progress())
                    .openai(run.openai());
            if (data != null) b.data(data);
            if (benchmark != null) b.benchmark(benchmark, benchmarkData);
            DistillRunner.Result r = DistillRunner.run(b.build());
            System.out.print(r.summary().table());
            System.out.println("wrote " + dir.resolve(DistillRunner.SFT) + ", " + DistillRunner.REJECTED + ", "
                    + DistillRunner.SUMMARY);
            return 0;
        } catch (RuntimeException e) {
            return fail(e);
        }
    }

    static int fail(RuntimeException e) {
        System.err.println("r1 distill: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        return 1;
    }

    /** {@code r1 distill merge SHARD_RUN... --out DIR}. */
    @Command(
            name = "merge",
            mixinStandardHelpOptions = true,
            description =
                    "Combine the run directories of 'r1 distill --shard i/N' (every i) into the outputs of an unsharded run.")
    static final class Merge implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "SHARD_RUN", description = "Shard run directories.")
        List<Path> shards;

        @Option(names = "--out", required = true, description = "Directory of the merged run.")
        Path out;

        @Override
        public Integer call() {
            try {
                DistillRunner.Result r = DistillMerge.merge(shards, out);
                System.out.print(r.summary().table());
                System.out.println("merged " + shards.size() + " shards into " + out);
                return 0;
            } catch (RuntimeException e) {
                return fail(e);
            }
        }
    }

    /** Runs {@code r1 distill ...} on its own (also what tests launch as a separate process). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new DistillCommand()).execute(args));
    }
}
