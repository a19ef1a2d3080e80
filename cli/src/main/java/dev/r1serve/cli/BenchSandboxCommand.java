package dev.r1serve.cli;

import dev.r1serve.reward.bench.SandboxBench;
import dev.r1serve.reward.sandbox.Sandbox;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 bench sandbox}: isolated trivial Python runs/s vs bare {@code python3 -c pass} spawns/s. */
@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        description =
                "Isolated trivial Python runs/s vs bare python3 -c pass spawns/s in the same run (target ratio >= 0.6).")
final class BenchSandboxCommand implements Callable<Integer> {

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Measuring time, split between the two (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() throws Exception {
        System.out.println(SandboxBench.run(Sandbox.detect(), seconds));
        return 0;
    }
}
