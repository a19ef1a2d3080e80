package dev.r1serve.cli;

import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.ifeval.IfEvalBench;
import dev.r1serve.server.R1Server;
import dev.r1serve.testkit.ScriptedEngine;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code r1 bench eval}: eval-harness throughput end to end (request building, gRPC streaming, server validation and
 * scheduling, answer extraction, verification, samples.jsonl appends) with an engine that answers instantly, so the
 * number measures the harness and the serving path, not a model. MATH-500 with k = 4 by default.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Eval harness samples/s end to end (MATH-500, k=4, grading included) against an instant-answer engine;",
            "--benchmark ifeval: IFEval grading alone on one thread (samples per CPU-second, target >= 2000)."
        })
public final class BenchEvalCommand implements Callable<Integer> {

    @Option(
            names = "--benchmark",
            defaultValue = "math500",
            description =
                    "math500: the whole eval end to end; ifeval: IFEval grading alone on one thread, samples graded/s (default: ${DEFAULT-VALUE}).")
    String benchmark;

    @Option(
            names = "--questions",
            defaultValue = "500",
            description = "MATH-500 questions per round (default: ${DEFAULT-VALUE}).")
    int questions;

    @Option(names = "--k", defaultValue = "4", description = "Samples per question (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--concurrency",
            defaultValue = "16",
            description = "Questions in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Measured rounds after one warm-up; the median is reported.")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (benchmark.equals("ifeval")) return ifEval();
        if (!benchmark.equals("math500"))
            throw new IllegalArgumentException("--benchmark: must be math500 or ifeval, got \"" + benchmark + "\"");
        double median;
        try (R1Server server = ScriptedEngine.serveInstant()) {
            String target = "127.0.0.1:" + server.port();
            System.out.printf(
                    Locale.ROOT,
                    "math500: %d questions x k=%d, concurrency %d, instant-answer engine, %d cores%n",
                    questions,
                    k,
                    concurrency,
                    Runtime.getRuntime().availableProcessors());
            median = BenchRounds.median(rounds, "r1-bench-eval", (dir, round) -> {
                EvalResult r = EvalRunner.run(EvalSpec.of("math500", target, dir)
                        .withModel("bench")
                        .withK(k)
                        .withLimit(questions)
                        .withMaxTokens(1024)
                        .withConcurrency(concurrency)
                        .withProgress(null));
                if (r.summary().samples() != questions * k) throw new IllegalStateException("incomplete run");
                BenchRounds.print(
                        round,
                        "%d samples in %.2f s = %.0f samples/s (pass@1 %.3f: the engine guesses)",
                        r.newSamples(),
                        r.wallSeconds(),
                        r.samplesPerSecond(),
                        r.summary().pass1().mean());
                return r.samplesPerSecond();
            });
        }
        System.out.printf(
                Locale.ROOT, "eval harness end to end: %.0f samples/s (median of %d; target >= 500)%n", median, rounds);
        return 0;
    }

    /** IFEval's 541 prompts × k made-up answers, strict and loose checks, on this thread: samples graded per second. */
    private int ifEval() {
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        List<Question> qs = Benchmarks.byName("ifeval").load(null).questions();
        List<String> answers = IfEvalBench.answers(qs, k, 1);
        double words =
                answers.stream().mapToInt(a -> a.split("\\s+").length).average().orElse(0);
        System.out.printf(
                Locale.ROOT,
                "ifeval: %d prompts x k=%d made-up answers (%.0f words on average), grading on 1 thread%n",
                qs.size(),
                k,
                words);
        IfEvalBench.grade(qs, answers); // warm-up: JIT, language profiles, bound instructions
        double[] wall = new double[rounds], cpu = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            IfEvalBench.Round round = IfEvalBench.grade(qs, answers);
            wall[r] = round.samplesPerSecond();
            cpu[r] = round.samplesPerCpuSecond();
            System.out.printf(
                    Locale.ROOT,
                    "round %d: %d samples graded in %.2f s wall, %.2f s CPU = %.0f samples/s wall, %.0f per CPU-second"
                            + " (%d follow every instruction)%n",
                    r + 1,
                    round.samples(),
                    round.seconds(),
                    round.cpuSeconds(),
                    wall[r],
                    cpu[r],
                    round.passed());
        }
        java.util.Arrays.sort(wall);
        java.util.Arrays.sort(cpu);
        // CPU time is the one-core figure that holds on a busy machine; wall time equals it on an idle one.
        System.out.printf(
                Locale.ROOT,
                "ifeval grading on one core: %.0f samples per CPU-second (wall %.0f samples/s; median of %d; target >= 2000)%n",
                cpu[rounds / 2],
                wall[rounds / 2],
                rounds);
        return 0;
    }
}
