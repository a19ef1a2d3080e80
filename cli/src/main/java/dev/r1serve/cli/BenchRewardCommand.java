package dev.r1serve.cli;

import dev.r1serve.reward.bench.RewardBench;
import dev.r1serve.reward.bench.RewardHttpBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 bench reward}: math rewards scored/s through ScoreStream (and, with --http, the HTTP front) on loopback. */
@Command(
        name = "reward",
        mixinStandardHelpOptions = true,
        description = "Math (or code) rewards scored per second through ScoreStream on a loopback RewardServer;"
                + " with --http, through POST /v1/rewards:score vs ScoreStream.")
final class BenchRewardCommand implements Callable<Integer> {

    @Option(
            names = "--rollouts",
            defaultValue = "20000",
            description = "Rollouts streamed (default: ${DEFAULT-VALUE}).")
    int rollouts;

    @Option(
            names = "--task",
            defaultValue = "math",
            description =
                    "math (verifier rewards) or code (a HumanEval-style"
                            + " function test per rollout, run in the sandbox; default --rollouts 400 then). Default: ${DEFAULT-VALUE}.")
    String task;

    @Option(names = "--http", description = "Compare the HTTP front (batches of --batch) with ScoreStream.")
    boolean http;

    @Option(
            names = "--batch",
            defaultValue = "64",
            description = "With --http: rollouts per HTTP request, a multiple of 16 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--in-flight",
            defaultValue = "4",
            description = "With --http: requests in flight at once (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "With --http: alternating rounds of each (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (rollouts < 1) throw new IllegalArgumentException("--rollouts must be >= 1, got " + rollouts);
        if (!task.equals("math") && !task.equals("code")) {
            throw new IllegalArgumentException("--task must be math or code, got " + task);
        }
        if (task.equals("code")) {
            System.out.println(RewardBench.runCode(rollouts == 20000 ? 400 : rollouts));
            return 0;
        }
        if (!http) {
            System.out.println(RewardBench.run(rollouts));
            return 0;
        }
        if (batch < 16) throw new IllegalArgumentException("--batch must be >= 16, got " + batch);
        if (inFlight < 1) throw new IllegalArgumentException("--in-flight must be >= 1, got " + inFlight);
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        System.out.println(RewardHttpBench.run(rollouts, batch, inFlight, rounds));
        return 0;
    }
}
