package dev.r1serve.cli.eval;

import dev.r1serve.eval.compare.RunComparison;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code r1 eval compare RUN_A RUN_B}: paired differences over the questions both runs answered. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description =
                "Compare two runs question by question: pass@1 difference (B - A) with a paired bootstrap 95%% CI and p-value.")
final class CompareCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_A")
    Path a;

    @Parameters(index = "1", paramLabel = "RUN_B")
    Path b;

    @Override
    public Integer call() {
        try {
            System.out.print(RunComparison.of(a, b).render());
            return 0;
        } catch (RuntimeException e) {
            return EvalCommand.fail(e);
        }
    }
}
