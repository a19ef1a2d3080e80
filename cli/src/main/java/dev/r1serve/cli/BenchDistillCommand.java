package dev.r1serve.cli;

import dev.r1serve.eval.distill.DistillRunner;
import dev.r1serve.eval.distill.DistillSpec;
import dev.r1serve.eval.distill.DistillSummary;
import dev.r1serve.server.R1Server;
import dev.r1serve.testkit.ScriptedEngine;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code r1 bench distill}: {@code r1 distill} throughput end to end (requests with n = k, gRPC streaming, server
 * validation and scheduling, answer checks by the verifier, language and paragraph measures, samples.jsonl appends,
 * then the filters, deduplication and the output files) with an engine that answers instantly, so the number
 * measures the distillation pipeline, not a model. MATH-500 prompts, k = 4.
 */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description =
                "r1 distill samples/s through the checks and filters (MATH-500 prompts, k=4) against an instant-answer engine.")
public final class BenchDistillCommand implements Callable<Integer> {

    @Option(
            names = "--prompts",
            defaultValue = "500",
            description = "MATH-500 prompts per round (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--k", defaultValue = "4", description = "Responses per prompt (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--concurrency",
            defaultValue = "16",
            description = "Prompts in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Measured rounds after one warm-up; the median is reported.")
    int rounds;

    @Override
    public Integer call() throws Exception {
        double median;
        try (R1Server server = ScriptedEngine.serveInstant()) {
            String target = "127.0.0.1:" + server.port();
            System.out.printf(
                    Locale.ROOT,
                    "math500: %d prompts x k=%d, concurrency %d, instant-answer engine, %d cores%n",
                    prompts,
                    k,
                    concurrency,
                    Runtime.getRuntime().availableProcessors());
            median = BenchRounds.median(rounds, "r1-bench-distill", (dir, round) -> {
                DistillSpec spec = DistillSpec.builder(target, dir)
                        .benchmark("math500", null)
                        .model("bench")
                        .k(k)
                        .limit(prompts)
                        .maxTokens(1024)
                        .concurrency(concurrency)
                        .progress(null)
                        .build();
                // timed around the whole run: connecting, sampling, checking, and writing the outputs
                long t0 = System.nanoTime();
                DistillSummary s = DistillRunner.run(spec).summary();
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (s.samples() != prompts * k)
                    throw new IllegalStateException("incomplete run: " + s.samples() + " responses");
                BenchRounds.print(
                        round,
                        "%d responses in %.2f s = %.0f responses/s (kept %d: the engine guesses)",
                        s.samples(),
                        seconds,
                        s.samples() / seconds,
                        s.kept());
                return s.samples() / seconds;
            });
        }
        System.out.printf(
                Locale.ROOT, "distill end to end: %.0f samples/s (median of %d; target >= 500)%n", median, rounds);
        return 0;
    }
}
