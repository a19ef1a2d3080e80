package dev.r1serve.cli;

import dev.r1serve.reward.bench.RewardBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 bench reward}: math rewards scored/s through ScoreStream on loopback. */
@Command(name = "reward", mixinStandardHelpOptions = true,
        description = "Math rewards scored per second through ScoreStream on a loopback RewardServer.")
final class BenchRewardCommand implements Callable<Integer> {

    @Option(names = "--rollouts", defaultValue = "20000", description = "Rollouts streamed (default: ${DEFAULT-VALUE}).")
    int rollouts;

    @Override
    public Integer call() throws Exception {
        System.out.println(RewardBench.run(rollouts));
        return 0;
    }
}
