package dev.r1serve.cli.eval;

import dev.r1serve.eval.EvalMerge;
import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.EvalRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code r1 eval merge SHARD_RUN... --out DIR}: one result from the shards of a sharded run. */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description =
                "Combine the run directories of 'r1 eval --shard i/N' (every i) into one run with the metrics of an unsharded run.")
final class MergeCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "SHARD_RUN", description = "Shard run directories.")
    List<Path> shards;

    @Option(names = "--out", required = true, description = "Directory of the merged run.")
    Path out;

    @Override
    public Integer call() {
        try {
            EvalResult r = EvalMerge.merge(shards, out);
            EvalRunner.printTable(r, System.out);
            System.out.println("merged " + shards.size() + " shards into " + out);
            return 0;
        } catch (RuntimeException e) {
            return EvalCommand.fail(e);
        }
    }
}
