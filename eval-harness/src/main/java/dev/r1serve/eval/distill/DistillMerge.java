package dev.r1serve.eval.distill;

import dev.r1serve.eval.Shard;
import dev.r1serve.eval.sampling.SamplingRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code r1 distill merge}: the shard runs of one distillation combined into the outputs of an unsharded run. */
public final class DistillMerge {

    private DistillMerge() {}

    /**
     * Combines the shard runs of one distillation ({@code --shard i/N} for every i) into {@code out}, with the
     * outputs an unsharded run writes: the shards must be of one run and cover every shard exactly once.
     */
    public static DistillRunner.Result merge(List<Path> shardDirs, Path out) {
        SamplingRun.Shards<DistillManifest, DistillRecord> shards = SamplingRun.readShards(
                shardDirs,
                DistillManifest.class,
                "distill run directory",
                DistillManifest::shardOrAll,
                (a, b) -> a.asWhole(0).equals(b.asWhole(0)),
                "data, model, sampling, filters or seed differ",
                DistillRunner.RECORDS);
        DistillManifest first = shards.first();
        boolean isBenchmark = first.source().startsWith("benchmark:");
        DistillRunner.Source src = DistillRunner.load(
                isBenchmark ? null : Path.of(first.source()),
                isBenchmark ? first.source().substring(10) : null,
                first.benchmarkData() == null ? null : Path.of(first.benchmarkData()),
                first.seed(),
                first.limit(),
                Shard.ALL);
        if (!src.sha256().equals(first.sourceSha256())) {
            throw new IllegalStateException(
                    "prompt data " + first.source() + " changed since the shards ran (SHA-256 differs)");
        }
        DistillManifest merged = first.asWhole(src.prompts().size());
        SamplingRun.writeMerged(out, merged, shards.records());
        DistillSummary summary = DistillRunner.writeOutputs(
                out,
                src.prompts(),
                shards.records(),
                first.filters(),
                KeepPolicy.valueOf(first.keep().toUpperCase(Locale.ROOT)));
        return new DistillRunner.Result(out, merged, summary, 0, 0);
    }
}
