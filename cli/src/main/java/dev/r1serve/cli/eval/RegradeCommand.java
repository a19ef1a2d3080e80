package dev.r1serve.cli.eval;

import dev.r1serve.eval.EvalRegrade;
import dev.r1serve.eval.EvalRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code r1 eval regrade RUN}: re-grades recorded samples with the current grader; no server needed. */
@Command(
        name = "regrade",
        mixinStandardHelpOptions = true,
        description = "Re-grade a run's recorded samples with the current grader (no server) and rewrite its summary.")
final class RegradeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "Run directory (holds run.json and samples.jsonl).")
    Path run;

    @Override
    public Integer call() {
        try {
            EvalRegrade.Regraded r = EvalRegrade.regrade(run);
            EvalRunner.printTable(r.result(), System.out);
            System.out.println("re-graded " + r.result().summary().samples() + " samples; " + r.changed()
                    + " changed correctness");
            return 0;
        } catch (RuntimeException e) {
            return EvalCommand.fail(e);
        }
    }
}
