package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.ChoiceShuffler;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.benchmark.Variant;
import dev.r1serve.eval.grading.Grade;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.grading.TaskKind;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** GPQA's options are shuffled per question and sample with a seeded RNG; the correct answer must land uniformly. */
class EvalGpqaShuffleTest {

    static Path csv() throws URISyntaxException {
        return Path.of(
                EvalGpqaShuffleTest.class.getResource("/gpqa_synthetic.csv").toURI());
    }

    @Test
    void loadsThePublishedCsvLayoutWithMultilineQuotedFields() throws Exception {
        Dataset d = Benchmarks.byName("gpqa-diamond").load(csv());
        assertEquals(6, d.questions().size());
        Question q = d.questions().get(1);
        assertEquals("rec2", q.id());
        assertTrue(q.problem().contains("\n"), "multi-line question kept");
        assertTrue(q.problem().contains("\"quoted\""));
        assertEquals("A", q.gold(), "canonical order puts the correct answer first");
        assertEquals("Correct 2, with a comma", q.choices().get(0));
        assertEquals("Chemistry", q.attributes().get("domain"));
    }

    @Test
    void correctAnswerPositionIsUniformOverSeedsQuestionsAndSamples() {
        // 4! = 24 permutations and 4 gold positions over 24,000 (question, sample) pairs: chi-square against uniform.
        int draws = 0;
        int[] goldPos = new int[4];
        Map<String, Integer> perms = new HashMap<>();
        for (int q = 0; q < 300; q++) {
            for (int s = 0; s < 80; s++) {
                int[] order = ChoiceShuffler.permutation(1234, "q" + q, s, 4);
                for (int d = 0; d < 4; d++) if (order[d] == 0) goldPos[d]++;
                perms.merge(java.util.Arrays.toString(order), 1, Integer::sum);
                draws++;
            }
        }
        assertEquals(24, perms.size());
        double chiPos = chi(goldPos, draws / 4.0);
        int[] pc = perms.values().stream().mapToInt(Integer::intValue).toArray();
        double chiPerm = chi(pc, draws / 24.0);
        // 99.9% quantiles: chi2(3) = 16.27, chi2(23) = 49.73.
        assertTrue(chiPos < 16.27, "gold position counts " + java.util.Arrays.toString(goldPos) + " chi2=" + chiPos);
        assertTrue(chiPerm < 49.73, "permutation counts chi2=" + chiPerm);
    }

    private static double chi(int[] observed, double expected) {
        double x = 0;
        for (int o : observed) x += (o - expected) * (o - expected) / expected;
        return x;
    }

    @Test
    void shufflesAreSeededPerQuestionAndSampleAndGradingFollowsThem() throws Exception {
        Benchmark gpqa = Benchmarks.byName("gpqa-diamond");
        Dataset d = gpqa.load(csv());
        Question q = d.questions().get(0);
        assertArrayEquals(gpqa.variant(q, 5, 3).order(), gpqa.variant(q, 5, 3).order(), "same seed, same shuffle");
        Set<String> orders = new HashSet<>();
        for (int s = 0; s < 16; s++)
            orders.add(java.util.Arrays.toString(gpqa.variant(q, 5, s).order()));
        assertTrue(orders.size() > 4, "samples of one question see different orders");

        Grader grader = Grader.of(TaskKind.CHOICE, 4);
        for (int s = 0; s < 16; s++) {
            Variant v = gpqa.variant(q, 5, s);
            int shown = v.gold().charAt(0) - 'A';
            assertEquals(
                    q.choices().get(0), v.choices().get(shown), "the displayed gold letter points at the correct text");
            assertTrue(v.prompt().contains(v.gold() + ") " + q.choices().get(0)));
            Grade right = grader.grade(v, "The answer is \\boxed{" + v.gold() + "}");
            assertTrue(right.correct());
            assertEquals("A", right.vote(), "votes are counted in canonical order, whatever the shuffle");
            String wrongLetter = String.valueOf((char) ('A' + (shown + 1) % 4));
            Grade wrong = grader.grade(v, "\\boxed{" + wrongLetter + "}");
            assertFalse(wrong.correct());
            assertFalse(wrong.vote().equals("A"));
        }
    }

    @Test
    void mmluIsNotShuffledAndIndicesBecomeLetters() {
        Dataset d = Benchmarks.byName("mmlu-stem").load(null);
        assertEquals(3018, d.questions().size());
        Question q = d.questions().get(0);
        assertEquals("C", q.gold(), "answer index 2 of the first MMLU STEM row");
        Variant v = Benchmarks.byName("mmlu-stem").variant(q, 9, 5);
        assertEquals(q.gold(), v.gold());
        assertTrue(v.prompt().contains("A) " + q.choices().get(0)));
    }
}
