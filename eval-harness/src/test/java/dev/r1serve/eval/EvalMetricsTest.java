package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.metrics.Consensus;
import dev.r1serve.eval.metrics.MetricsCalculator;
import dev.r1serve.eval.metrics.PairedComparison;
import dev.r1serve.eval.metrics.PassAtK;
import dev.r1serve.eval.metrics.Stats;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.sampling.SampleRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvalMetricsTest {

    /** lighteval's pass@k test vectors (tests/unit/metrics/test_metric_functions.py). */
    @Test
    void passAtKMatchesLightevalVectors() {
        assertEquals(0.5, PassAtK.estimate(2, 1, 1), 1e-12);
        assertEquals(2.0 / 3, PassAtK.estimate(3, 1, 2), 1e-12);
        assertEquals(0.0, PassAtK.estimate(2, 0, 1), 1e-12);
    }

    @Test
    void passAtKEqualsTheCombinatorialFormula() {
        for (int n = 1; n <= 20; n++) {
            for (int c = 0; c <= n; c++) {
                for (int k = 1; k <= n; k++) {
                    double exact = n - c < k ? 1 : 1 - binom(n - c, k) / binom(n, k);
                    assertEquals(exact, PassAtK.estimate(n, c, k), 1e-9, "n=" + n + " c=" + c + " k=" + k);
                }
            }
        }
        assertEquals(0.25, PassAtK.estimate(64, 16, 1), 1e-12, "pass@1 is the mean correctness");
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(4, 1, 5));
    }

    private static double binom(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }

    static SampleRecord rec(String q, int i, String vote, boolean correct) {
        return new SampleRecord(
                q, i, i, "stop", "", "", vote == null ? "" : vote, vote, vote, correct, "test", 5, 10 + i, 1.0, null);
    }

    @Test
    void consensusClustersByEquivalenceIgnoresNonAnswersAndBreaksTiesByEarliestSample() {
        Grader math = Grader.of(TaskKind.MATH, 0);
        // 1/2 and 0.5 are one cluster (2 votes) against 3 (1 vote); null does not vote.
        Consensus.Result r = Consensus.vote(
                List.of(
                        rec("q", 0, "3", false),
                        rec("q", 1, "\\frac{1}{2}", true),
                        rec("q", 2, null, false),
                        rec("q", 3, "0.5", true)),
                math);
        assertEquals("\\frac{1}{2}", r.answer());
        assertTrue(r.correct());
        assertFalse(r.tie());
        assertEquals(2, r.votes());
        // 2 vs 2: the cluster whose first member is sample 0 wins, and the tie is reported.
        Consensus.Result tie = Consensus.vote(
                List.of(
                        rec("q", 3, "7", true),
                        rec("q", 2, "5", false),
                        rec("q", 1, "7", true),
                        rec("q", 0, "5", false)),
                math);
        assertEquals("5", tie.answer());
        assertFalse(tie.correct());
        assertTrue(tie.tie());
        Consensus.Result none = Consensus.vote(List.of(rec("q", 0, null, false), rec("q", 1, null, false)), math);
        assertTrue(none.noAnswer());
        assertNull(none.answer());
    }

    @Test
    void summaryComputesPassAtKConsStderrAndRequiresKSamplesPerQuestion() {
        Grader math = Grader.of(TaskKind.MATH, 0);
        List<Question> qs = List.of(
                new Question("a", "p", "1", List.of(), Map.of("level", "1")),
                new Question("b", "p", "2", List.of(), Map.of("level", "2")));
        List<SampleRecord> a = List.of(
                rec("a", 0, "1", true), rec("a", 1, "9", false), rec("a", 2, "1", true), rec("a", 3, null, false));
        List<SampleRecord> b = List.of(
                rec("b", 0, "5", false), rec("b", 1, "5", false), rec("b", 2, "2", true), rec("b", 3, "3", false));
        Summary s = MetricsCalculator.compute(qs, Map.of("a", a, "b", b), 4, math, List.of("level"));
        assertEquals((0.5 + 0.25) / 2, s.pass1().mean(), 1e-12);
        assertEquals(
                (PassAtK.estimate(4, 2, 2) + PassAtK.estimate(4, 1, 2)) / 2,
                s.passAtK().get(2).mean(),
                1e-12);
        assertEquals(1.0, s.passAtK().get(4).mean(), 1e-12);
        assertEquals(0.5, s.consAtK().mean(), 1e-12, "a votes 1 (right), b votes 5 (wrong)");
        assertEquals(Stats.stderr(new double[] {0.5, 0.25}), s.pass1().stderr(), 1e-12);
        assertEquals(0.125, s.pass1().stderr(), 1e-12);
        assertTrue(s.pass1().ciLow() >= 0.25 - 1e-12 && s.pass1().ciHigh() <= 0.5 + 1e-12);
        assertEquals(1, s.noAnswerSamples());
        assertEquals(0.5, s.breakdowns().get("level").get("1").mean(), 1e-12);
        assertEquals(0.25, s.breakdowns().get("level").get("2").mean(), 1e-12);

        List<SampleRecord> shortB = new ArrayList<>(b.subList(0, 3));
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> MetricsCalculator.compute(qs, Map.of("a", a, "b", shortB), 4, math, List.of()));
        assertTrue(e.getMessage().contains("3 of 4"), e.getMessage());
    }

    @Test
    void bootstrapIntervalCoversTheMeanAndShrinksWithMoreQuestions() {
        double[] small = new double[20], large = new double[2000];
        for (int i = 0; i < small.length; i++) small[i] = i % 2;
        for (int i = 0; i < large.length; i++) large[i] = i % 2;
        double[] ciS = Stats.bootstrapCi95(small), ciL = Stats.bootstrapCi95(large);
        assertTrue(ciS[0] < 0.5 && ciS[1] > 0.5);
        assertTrue(ciL[1] - ciL[0] < (ciS[1] - ciS[0]) / 5);
        // ±1.96 standard errors and the bootstrap agree for a large sample.
        assertEquals(2 * 1.96 * Stats.stderr(large), ciL[1] - ciL[0], 0.01);
    }

    @Test
    void pairedComparisonDetectsAConsistentImprovementAndNotNoise() {
        double[] a = new double[100], b = new double[100];
        for (int i = 0; i < 100; i++) {
            a[i] = (i % 3 == 0) ? 1 : 0;
            b[i] = (i % 3 == 0 || i % 5 == 0) ? 1 : 0;
        }
        PairedComparison p = PairedComparison.of(a, b);
        assertTrue(p.diff() > 0.1 && p.pValue() < 0.01 && p.ciLow() > 0, p.toString());
        assertEquals(0, p.aBetter());
        double[] c = new double[100];
        for (int i = 0; i < 100; i++) c[i] = (i % 3 == 1) ? 1 : 0; // same accuracy, other questions
        PairedComparison q = PairedComparison.of(a, c);
        assertTrue(q.pValue() > 0.05 && q.ciLow() < 0 && q.ciHigh() > 0, q.toString());
    }
}
