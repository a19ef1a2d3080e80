package dev.r1serve.cli;

import dev.r1serve.reward.bench.RewardBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 bench reward}: math rewards scored/s through ScoreStream on loopback. */
@Command(name = "reward", mixinStandardHelpOptions = true,
        description = "Math (or code) rewards scored per second through ScoreStream on a loopback RewardServer.")
final class BenchRewardCommand implements Callable<Integer> {

    @Option(names = "--rollouts", defaultValue = "20000", description = "Rollouts streamed (default: ${DEFAULT-VALUE}).")
    int rollouts;

    @Option(names = "--task", defaultValue = "math", description = "math (verifier rewards) or code (a HumanEval-style"
            + " function test per rollout, run in the sandbox; default --rollouts 400 then). Default: ${DEFAULT-VALUE}.")
    String task;

    @Override
    public Integer call() throws Exception {
        if (task.equals("code")) {
            System.out.println(RewardBench.runCode(rollouts == 20000 ? 400 : rollouts));
            return 0;
        }
        if (!task.equals("math")) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "--task must be math or code, got " + task);
        System.out.println(RewardBench.run(rollouts));
        return 0;
    }
}
