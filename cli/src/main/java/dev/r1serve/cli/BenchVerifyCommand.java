package dev.r1serve.cli;

import dev.r1serve.reward.verify.bench.VerifyBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code r1 bench verify}: verifications per second on one core over MATH-500 golds. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Verifications/s on one thread over MATH-500 golds vs gold, rewritten and wrong predictions.")
final class BenchVerifyCommand implements Callable<Integer> {

    @Option(names = "--data", description = "MATH-500 JSONL (default: the copy bundled with r1-serve).")
    Path data;

    @Option(names = "--seconds", defaultValue = "10", description = "Measuring time (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() {
        System.out.println(VerifyBench.run(data, seconds));
        System.out.println("target: >= 2,000 verifications/s per core");
        return 0;
    }
}
