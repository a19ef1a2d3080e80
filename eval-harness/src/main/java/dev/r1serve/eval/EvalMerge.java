package dev.r1serve.eval;

import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.report.Reports;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import dev.r1serve.eval.sampling.SamplingRun;
import java.nio.file.Path;
import java.util.List;

/** {@code r1 eval merge}: the shard runs of one evaluation combined into one run, no server needed. */
public final class EvalMerge {

    private EvalMerge() {}

    /**
     * Combines the shard runs of one evaluation ({@code r1 eval --shard i/N} for every i) into one run in
     * {@code out}, with the same metrics as an unsharded run: the shards must be of one run (same data,
     * model, sampling and seed) and cover every shard exactly once.
     */
    public static EvalResult merge(List<Path> shardDirs, Path out) {
        SamplingRun.Shards<RunManifest, SampleRecord> shards = SamplingRun.readShards(
                shardDirs,
                RunManifest.class,
                "run directory",
                RunManifest::shardOrAll,
                RunManifest::sameShardedRunAs,
                "data, model, sampling or seed differ",
                SampleStore.RECORDS);
        RunManifest first = shards.first();
        Benchmark bench = first.benchmarkOf();
        Dataset data = first.unshardedData(bench);
        Summary summary =
                EvalRunner.summarize(bench, data, first.k(), EvalRunner.grader(bench, data), shards.records());
        RunManifest merged = first.asWhole(data.questions().size());
        SamplingRun.writeMerged(out, merged, shards.records());
        EvalResult result = new EvalResult(out, merged, summary, 0, 0);
        Reports.writeAll(result, shards.records(), data);
        return result;
    }
}
