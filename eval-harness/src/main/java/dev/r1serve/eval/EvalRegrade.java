package dev.r1serve.eval;

import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.grading.Grade;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.report.Reports;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import dev.r1serve.eval.sampling.SamplingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code r1 eval regrade}: a recorded run graded again with the current grader, no server needed. */
public final class EvalRegrade {

    private EvalRegrade() {}

    /** A re-grading's result and the number of samples whose correctness changed. */
    public record Regraded(EvalResult result, int changed) {}

    /**
     * Re-grades a run's recorded samples with the current grader: rewrites {@code samples.jsonl} with the new
     * grades and the summary files, and returns the result plus how many grades changed.
     */
    public static Regraded regrade(Path dir) {
        RunManifest m = RunManifest.read(dir);
        Benchmark bench = m.benchmarkOf();
        Dataset data = m.unshardedData(bench).shard(m.shardOrAll());
        if (!data.sha256().equals(m.dataSha256())) {
            throw new IllegalStateException("data of " + m.benchmark() + " changed since the run (" + data.source()
                    + " has SHA-256 " + data.sha256() + ", the run recorded " + m.dataSha256()
                    + "); re-grading would mismatch golds");
        }
        Grader grader = EvalRunner.grader(bench, data);
        Map<String, Question> byId =
                data.questions().stream().collect(Collectors.toMap(Question::id, Function.identity()));
        Path samples = dir.resolve(SamplingRun.SAMPLES);
        List<SampleRecord> old = SampleStore.read(samples);
        List<SampleRecord> fresh = new ArrayList<>(old.size());
        int changed = 0;
        for (SampleRecord r : old) {
            Question q = byId.get(r.questionId());
            if (q == null)
                throw new IllegalStateException(samples + ": question " + r.questionId() + " is not in the data");
            Grade g = grader.grade(
                    bench.variant(q, m.seed(), r.sample()), SamplingRun.failed(r.finishReason()) ? "" : r.answer());
            SampleRecord n = r.withGrade(g.extracted(), g.vote(), g.correct(), g.rule());
            if (n.correct() != r.correct()) changed++;
            fresh.add(n);
        }
        Summary summary = EvalRunner.summarize(bench, data, m.k(), grader, fresh);
        SampleStore.rewrite(samples, fresh);
        EvalResult result = new EvalResult(dir, m, summary, 0, 0);
        Reports.writeAll(result, fresh, data);
        return new Regraded(result, changed);
    }
}
