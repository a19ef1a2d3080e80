package dev.r1serve.eval.ifeval;

import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.grading.Grade;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.grading.TaskKind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The grading half of {@code r1 bench eval --benchmark ifeval}: every IFEval prompt's answers checked, strict and
 * loose, on the calling thread. The answers are made up the way models write (a few hundred English words in
 * sentences and paragraphs, some with a title, highlights, bullets, a postscript or a quoted or JSON form), so
 * that each checker, the loose variants and the language detector do their real work.
 */
public final class IfEvalBench {

    private IfEvalBench() {}

    /** Seeded answers for {@code questions}, {@code perQuestion} each. */
    public static List<String> answers(List<Question> questions, int perQuestion, long seed) {
        List<String> words = new ArrayList<>();
        for (Question q : questions) {
            for (String w : q.problem().split("[^A-Za-z']+"))
                if (w.length() > 1) words.add(w.toLowerCase(java.util.Locale.ROOT));
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < questions.size() * perQuestion; i++) {
            StringBuilder b = new StringBuilder();
            int form = rnd.nextInt(6);
            if (form == 0) b.append("<<A Title>>\n\n");
            if (form == 1) b.append("Sure, here it is:\n");
            int paragraphs = 2 + rnd.nextInt(4);
            for (int p = 0; p < paragraphs; p++) {
                if (p > 0) b.append(form == 2 ? "\n***\n" : "\n\n");
                int sentences = 3 + rnd.nextInt(5);
                for (int s = 0; s < sentences; s++) {
                    if (form == 3) b.append("* ");
                    int n = 6 + rnd.nextInt(14);
                    for (int w = 0; w < n; w++) {
                        String word = words.get(rnd.nextInt(words.size()));
                        if (w == 0) word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                        if (rnd.nextInt(25) == 0) word = "*" + word + "*";
                        b.append(word).append(w == n - 1 ? "" : rnd.nextInt(12) == 0 ? ", " : " ");
                    }
                    b.append(rnd.nextInt(8) == 0 ? "?" : ".").append(form == 3 ? "\n" : " ");
                }
            }
            if (form == 4) b.append("\n\nP.S. Thanks for reading.");
            String text = b.toString().strip();
            if (form == 5)
                text = rnd.nextBoolean()
                        ? "\"" + text + "\""
                        : "```json\n{\"answer\": \"" + text.replace("\"", "'") + "\"}\n```";
            out.add(text);
        }
        return out;
    }

    /**
     * Result of one round: samples graded, wall seconds, CPU seconds of the grading thread (what "on one core"
     * means on a shared machine), and how many followed every instruction (a checksum).
     */
    public record Round(int samples, double seconds, double cpuSeconds, int passed) {
        public double samplesPerSecond() {
            return samples / seconds;
        }

        public double samplesPerCpuSecond() {
            return samples / cpuSeconds;
        }
    }

    /** Grades {@code answers} (in question order, {@code answers.size() / questions.size()} per question) on this thread. */
    public static Round grade(List<Question> questions, List<String> answers) {
        Benchmark b = Benchmarks.byName("ifeval");
        Grader grader = Grader.of(TaskKind.IFEVAL, 0);
        int per = answers.size() / questions.size(), passed = 0;
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        for (int i = 0; i < answers.size(); i++) {
            Grade g = grader.grade(b.variant(questions.get(i / per), 0, i % per), answers.get(i));
            if (g.correct()) passed++;
        }
        return new Round(
                answers.size(), (System.nanoTime() - t0) / 1e9, (threads.getCurrentThreadCpuTime() - c0) / 1e9, passed);
    }
}
