package dev.r1serve.eval.benchmark;

import dev.r1serve.eval.grading.TaskKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark registry. Default k follows the DeepSeek-R1 paper's practice of more samples for smaller sets
 * (64 for the 30–40 question competitions, 8 for GPQA Diamond's 198, 4 for the large sets).
 */
public final class Benchmarks {

    private static final Map<String, Benchmark> ALL = new LinkedHashMap<>();

    static {
        FieldMap aime = FieldMap.of("id", "problem", "answer");
        add(new Benchmark(
                "aime24",
                "AIME 2024 (30 problems, integer answers)",
                TaskKind.MATH,
                64,
                "aime24.jsonl",
                aime,
                Benchmark.MATH_PROMPT,
                false,
                null,
                List.of()));
        add(new Benchmark(
                "aime25",
                "AIME 2025 (30 problems, integer answers)",
                TaskKind.MATH,
                64,
                "aime25.jsonl",
                aime,
                Benchmark.MATH_PROMPT,
                false,
                null,
                List.of()));
        add(new Benchmark(
                "amc23",
                "AMC 2023 (40 problems)",
                TaskKind.MATH,
                64,
                "amc23.jsonl",
                aime,
                Benchmark.MATH_PROMPT,
                false,
                null,
                List.of()));
        add(new Benchmark(
                "math500",
                "MATH-500 (PRM800K test split; by level and subject)",
                TaskKind.MATH,
                4,
                "math500.jsonl",
                new FieldMap("unique_id", "problem", "answer", null, false, List.of("level", "subject")),
                Benchmark.MATH_PROMPT,
                false,
                null,
                List.of("level", "subject")));
        add(new Benchmark(
                "gsm8k",
                "GSM8K test (1319 grade-school word problems)",
                TaskKind.GSM8K,
                4,
                "gsm8k_test.jsonl",
                FieldMap.of(null, "question", "answer"),
                Benchmark.MATH_PROMPT,
                false,
                null,
                List.of()));
        add(new Benchmark(
                "mmlu-stem",
                "MMLU STEM subset (3018 questions, 4 options)",
                TaskKind.CHOICE,
                4,
                "mmlu_stem.jsonl",
                new FieldMap(null, "question", "answer", "choices", true, List.of("type")),
                Benchmark.CHOICE_PROMPT,
                false,
                null,
                List.of("type")));
        add(new Benchmark(
                "gpqa-diamond",
                "GPQA Diamond (198 questions; --data gpqa_diamond.csv as published)",
                TaskKind.CHOICE,
                8,
                null,
                null,
                Benchmark.CHOICE_PROMPT,
                true,
                null,
                List.of("subject")));
        add(new Benchmark(
                "humaneval",
                "HumanEval (164 Python functions; tests run in the reward sandbox)",
                TaskKind.CODE,
                4,
                "humaneval.jsonl",
                null,
                Benchmark.CODE_PROMPT,
                false,
                null,
                List.of()));
        add(new Benchmark(
                "livecodebench",
                "LiveCodeBench code generation (--data: a code_generation_lite JSONL file as published; by difficulty)",
                TaskKind.CODE,
                16,
                null,
                null,
                Benchmark.CODE_PROMPT,
                false,
                null,
                List.of("difficulty")));
        add(new Benchmark(
                "ifeval",
                "IFEval (541 prompts with verifiable instructions; prompt/instruction-level, strict/loose)",
                TaskKind.IFEVAL,
                4,
                "ifeval_input_data.jsonl",
                null,
                Benchmark.CODE_PROMPT,
                false,
                null,
                List.of()));
    }

    private Benchmarks() {}

    private static void add(Benchmark b) {
        ALL.put(b.name(), b);
    }

    /** All registered benchmarks except {@code custom}, in listing order. */
    public static List<Benchmark> all() {
        return List.copyOf(ALL.values());
    }

    /** The benchmark called {@code name}; {@code custom} needs {@link #custom}. */
    public static Benchmark byName(String name) {
        Benchmark b = ALL.get(name);
        if (b == null) {
            throw new IllegalArgumentException(
                    "unknown benchmark \"" + name + "\"; known: " + String.join(", ", ALL.keySet()) + ", custom");
        }
        return b;
    }

    /**
     * A user JSONL benchmark: {@code fields} says where question, answer (and optionally id and options) live.
     * Choice benchmarks need a choices field.
     */
    public static Benchmark custom(FieldMap fields, TaskKind grader, int defaultK) {
        if (grader == TaskKind.IFEVAL) {
            throw new IllegalArgumentException(
                    "custom benchmarks are graded as math, gsm8k or choice; an IFEval file in its"
                            + " own form (key, prompt, instruction_id_list, kwargs) runs with --benchmark ifeval --data FILE");
        }
        if (grader == TaskKind.CODE) {
            throw new IllegalArgumentException(
                    "custom benchmarks are graded as math, gsm8k or choice; code needs tests:"
                            + " write the problems in LiveCodeBench's JSONL form and use --benchmark livecodebench --data FILE");
        }
        if (grader == TaskKind.CHOICE && fields.choices() == null) {
            throw new IllegalArgumentException("custom choice benchmark needs a choices field (--choices-field)");
        }
        return new Benchmark(
                "custom",
                "user JSONL",
                grader,
                defaultK,
                null,
                fields,
                grader == TaskKind.CHOICE ? Benchmark.CHOICE_PROMPT : Benchmark.MATH_PROMPT,
                false,
                null,
                List.of());
    }
}
