package dev.r1serve.eval.benchmark;

import dev.r1serve.eval.grading.TaskKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A registered benchmark: where its data comes from, how a question becomes a prompt, which verifier grades it
 * and how many samples per question it takes by default.
 *
 * @param name the name used on the command line ({@code --benchmark})
 * @param description one line for listings
 * @param grader the verifier kind
 * @param defaultK samples per question unless {@code --k} says otherwise
 * @param resource bundled data file under {@code /benchmarks/}, or null when the user must give {@code --data}
 * @param fields JSONL field mapping (null for GPQA's CSV)
 * @param promptTemplate the user message; {@code {question}} and {@code {options}} are replaced
 * @param shufflePerSample shuffle the options separately for every sample (GPQA)
 * @param unavailable why the benchmark cannot run here, or null
 * @param breakdowns attributes to report accuracy by (e.g. level, subject)
 */
public record Benchmark(
        String name,
        String description,
        TaskKind grader,
        int defaultK,
        String resource,
        FieldMap fields,
        String promptTemplate,
        boolean shufflePerSample,
        String unavailable,
        List<String> breakdowns) {

    /** The DeepSeek-R1 paper's math instruction, appended to the problem. */
    public static final String MATH_PROMPT =
            "{question}\nPlease reason step by step, and put your final answer within \\boxed{}.";
    /** Multiple choice: the options as "A) text" lines, answered with a boxed letter. */
    public static final String CHOICE_PROMPT =
            "{question}\n\n{options}\n\nPlease reason step by step, and put the letter of your final answer within \\boxed{}.";
    /** Code: the loader renders the whole instruction into the question (it depends on the problem's form). */
    public static final String CODE_PROMPT = "{question}";

    public Benchmark {
        breakdowns = List.copyOf(breakdowns);
    }

    /** Whether the data must come from a user-given path. */
    public boolean needsPath() {
        return resource == null;
    }

    /** Throws {@link BenchmarkUnavailableException} when this benchmark cannot run. */
    public void requireAvailable() {
        if (unavailable != null) throw new BenchmarkUnavailableException(name, unavailable);
    }

    /** Reads this benchmark's data, from {@code dataPath} when given, else from the bundled resource. */
    public Dataset load(Path dataPath) {
        requireAvailable();
        return Dataset.load(this, dataPath);
    }

    /**
     * The variant sample {@code sample} of {@code q} is asked: the rendered prompt and the gold answer in the
     * order the options are displayed.
     */
    public Variant variant(Question q, long seed, int sample) {
        int n = q.choices().size();
        int[] order;
        if (n == 0) {
            order = new int[0];
        } else if (shufflePerSample) {
            order = ChoiceShuffler.permutation(seed, q.id(), sample, n);
        } else {
            order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
        }
        List<String> shown = new ArrayList<>(n);
        String gold = q.gold();
        int goldIndex = grader == TaskKind.CHOICE && gold.length() == 1 ? gold.charAt(0) - 'A' : -1;
        for (int d = 0; d < n; d++) {
            shown.add(q.choices().get(order[d]));
            if (order[d] == goldIndex) gold = String.valueOf((char) ('A' + d)); // the gold's displayed letter
        }
        StringBuilder options = new StringBuilder();
        for (int d = 0; d < n; d++) {
            if (d > 0) options.append('\n');
            options.append((char) ('A' + d)).append(") ").append(shown.get(d));
        }
        String prompt = promptTemplate.replace("{question}", q.problem()).replace("{options}", options);
        return new Variant(prompt, gold, shown, order, q.tests());
    }
}
