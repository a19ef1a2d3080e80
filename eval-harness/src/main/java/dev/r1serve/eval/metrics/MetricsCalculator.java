package dev.r1serve.eval.metrics;

import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.sampling.SampleRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns graded samples into a {@link Summary}. */
public final class MetricsCalculator {

    private MetricsCalculator() {}

    /** k' values reported for pass@k': powers of two up to k, and k itself. */
    public static List<Integer> passKs(int k) {
        List<Integer> ks = new ArrayList<>();
        for (int x = 1; x < k; x *= 2) ks.add(x);
        ks.add(k);
        return ks;
    }

    /**
     * Computes the metrics.
     *
     * @param samples each question's samples by question id
     * @throws IllegalStateException when a question does not have exactly k distinct samples (an incomplete or
     *     corrupted run must not yield numbers that look final)
     */
    public static Summary compute(
            List<Question> questions,
            Map<String, List<SampleRecord>> samples,
            int k,
            Grader grader,
            List<String> breakdownAttributes) {
        if (questions.isEmpty()) throw new IllegalArgumentException("no questions");
        List<QuestionResult> results = new ArrayList<>();
        Map<String, Integer> finish = new TreeMap<>();
        int total = 0, correctTotal = 0, noAnswer = 0, ties = 0, consNone = 0;
        double tok = 0, tokC = 0, tokW = 0;
        int nC = 0, nW = 0;
        for (Question q : questions) {
            List<SampleRecord> ss = samples.getOrDefault(q.id(), List.of());
            boolean[] seen = new boolean[k];
            int distinct = 0;
            for (SampleRecord s : ss) {
                if (s.sample() < 0 || s.sample() >= k) {
                    throw new IllegalStateException(
                            "question " + q.id() + ": sample index " + s.sample() + " outside 0.." + (k - 1));
                }
                if (seen[s.sample()])
                    throw new IllegalStateException(
                            "question " + q.id() + ": sample " + s.sample() + " recorded twice");
                seen[s.sample()] = true;
                distinct++;
            }
            if (distinct != k) {
                throw new IllegalStateException("question " + q.id() + " has " + distinct + " of " + k
                        + " samples; the run is incomplete (resume it with --resume)");
            }
            int c = 0;
            for (SampleRecord s : ss) {
                total++;
                finish.merge(s.finishReason(), 1, Integer::sum);
                if (s.extracted() == null) noAnswer++;
                tok += s.completionTokens();
                if (s.correct()) {
                    c++;
                    tokC += s.completionTokens();
                    nC++;
                } else {
                    tokW += s.completionTokens();
                    nW++;
                }
            }
            correctTotal += c;
            Consensus.Result vote = Consensus.vote(ss, grader);
            if (vote.tie()) ties++;
            if (vote.noAnswer()) consNone++;
            results.add(new QuestionResult(q.id(), k, c, vote, q.attributes()));
        }
        int nq = results.size();
        double[] p1 = new double[nq], cons = new double[nq];
        for (int i = 0; i < nq; i++) {
            p1[i] = results.get(i).pass1();
            cons[i] = results.get(i).consensus().correct() ? 1 : 0;
        }
        TreeMap<Integer, Estimate> passAt = new TreeMap<>();
        for (int kk : passKs(k)) {
            double[] v = new double[nq];
            for (int i = 0; i < nq; i++)
                v[i] = PassAtK.estimate(k, results.get(i).correct(), kk);
            passAt.put(kk, Estimate.of(v));
        }
        Map<String, Map<String, Estimate>> breakdowns = new TreeMap<>();
        for (String attr : breakdownAttributes) {
            Map<String, List<Double>> groups = new TreeMap<>();
            for (QuestionResult r : results) {
                String v = r.attributes().get(attr);
                if (v != null) groups.computeIfAbsent(v, x -> new ArrayList<>()).add(r.pass1());
            }
            if (groups.isEmpty()) continue;
            Map<String, Estimate> byValue = new TreeMap<>();
            groups.forEach((v, xs) -> byValue.put(
                    v, Estimate.of(xs.stream().mapToDouble(Double::doubleValue).toArray())));
            breakdowns.put(attr, byValue);
        }
        int[] correct = results.stream().mapToInt(QuestionResult::correct).toArray();
        List<Integer> gKs = passKs(k).stream().filter(x -> x > 1).toList();
        IfEvalScores ifEval = grader.kind() == TaskKind.IFEVAL ? IfEvalScores.compute(questions, samples) : null;
        return new Summary(
                nq,
                k,
                total,
                correctTotal,
                Estimate.of(p1),
                passAt,
                Estimate.of(cons),
                ties,
                consNone,
                noAnswer,
                finish,
                breakdowns,
                tok / total,
                nC == 0 ? Double.NaN : tokC / nC,
                nW == 0 ? Double.NaN : tokW / nW,
                List.copyOf(results),
                GPassAtK.rows(k, correct, gKs),
                ifEval);
    }
}
