package dev.r1serve.cli;

import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.server.R1Server;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code r1 bench eval}: eval-harness throughput end to end (request building, gRPC streaming, server validation and
 * scheduling, answer extraction, verification, samples.jsonl appends) with an engine that answers instantly, so the
 * number measures the harness and the serving path, not a model. MATH-500 with k = 4 by default.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Eval harness samples/s end to end (MATH-500, k=4, grading included) against an instant-answer engine.")
public final class BenchEvalCommand implements Callable<Integer> {

    @Option(names = "--questions", defaultValue = "500", description = "MATH-500 questions per round (default: ${DEFAULT-VALUE}).")
    int questions;

    @Option(names = "--k", defaultValue = "4", description = "Samples per question (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--concurrency", defaultValue = "16", description = "Questions in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds after one warm-up; the median is reported.")
    int rounds;

    @Override
    public Integer call() throws Exception {
        double median;
        try (R1Server server = InstantEngine.serve()) {
            String target = "127.0.0.1:" + server.port();
            System.out.printf(Locale.ROOT, "math500: %d questions x k=%d, concurrency %d, instant-answer engine, %d cores%n",
                    questions, k, concurrency, Runtime.getRuntime().availableProcessors());
            median = BenchRounds.median(rounds, "r1-bench-eval", (dir, round) -> {
                EvalResult r = EvalRunner.run(EvalSpec.of("math500", target, dir).withModel("bench").withK(k)
                        .withLimit(questions).withMaxTokens(1024).withConcurrency(concurrency).withProgress(null));
                if (r.summary().samples() != questions * k) throw new IllegalStateException("incomplete run");
                BenchRounds.print(round, "%d samples in %.2f s = %.0f samples/s (pass@1 %.3f: the engine guesses)",
                        r.newSamples(), r.wallSeconds(), r.samplesPerSecond(), r.summary().pass1().mean());
                return r.samplesPerSecond();
            });
        }
        System.out.printf(Locale.ROOT, "eval harness end to end: %.0f samples/s (median of %d; target >= 500)%n", median, rounds);
        return 0;
    }
}
