package dev.r1serve.eval.grading;

import dev.r1serve.proto.v1.TaskType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a question or prompt asks for, which decides how an answer is checked: the grader of a benchmark
 * ({@code r1 eval}), the task of a distillation prompt ({@code r1 distill}), and the reward service's
 * {@link TaskType} for the same check.
 */
public enum TaskKind {
    /** Free-form math: LaTeX and numbers, symbolic equivalence (MATH-500, AIME, AMC). */
    MATH(true, true, TaskType.TASK_TYPE_MATH),
    /** GSM8K: a number; golds and references may end in "#### N". */
    GSM8K(true, true, TaskType.TASK_TYPE_MATH),
    /** Multiple choice, answered with a letter; the reference is the letter. */
    CHOICE(true, true, TaskType.TASK_TYPE_CHOICE),
    /** Code: the answer's last fenced block runs against the tests in the reward sandbox. */
    CODE(true, true, TaskType.TASK_TYPE_CODE),
    /** IFEval: the answer is checked against the prompt's verifiable instructions; correct = all followed (strict). Eval only. */
    IFEVAL(true, false, TaskType.TASK_TYPE_FORMAT_ONLY),
    /** A reasoning question whose reference rules cannot check: a judge model compares (distill's --judge-model). */
    OPEN(false, true, TaskType.TASK_TYPE_FORMAT_ONLY),
    /** Non-reasoning (writing): no verifier; kept when it passes the format and language filters. Distill only. */
    WRITING(false, false, TaskType.TASK_TYPE_FORMAT_ONLY),
    /** Non-reasoning (factual QA, chit-chat): as writing. */
    QA(false, false, TaskType.TASK_TYPE_FORMAT_ONLY);

    private final boolean grades;
    private final boolean reasoning;
    private final TaskType rewardTaskType;

    TaskKind(boolean grades, boolean reasoning, TaskType rewardTaskType) {
        this.grades = grades;
        this.reasoning = reasoning;
        this.rewardTaskType = rewardTaskType;
    }

    /** Whether a benchmark can be graded this way (a {@link Grader} exists). */
    public boolean gradesBenchmarks() {
        return grades;
    }

    /** Whether a distillation prompt can have this task (all but IFEval). */
    public boolean isPromptTask() {
        return this != IFEVAL;
    }

    /** Whether this is reasoning data (correctness checked, reasoning required). */
    public boolean reasoning() {
        return reasoning;
    }

    /** The reward service's task type for the same check (format rewards only where it has no verifier). */
    public TaskType rewardTaskType() {
        return rewardTaskType;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A prompt file's {@code task} ({@code math}, ..., {@code qa}), case-insensitive. */
    public static Optional<TaskKind> parsePromptTask(String s) {
        return Arrays.stream(values())
                .filter(TaskKind::isPromptTask)
                .filter(t -> t.label().equals(s.strip().toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    /** The labels {@link #parsePromptTask} takes, for errors. */
    public static String promptTaskLabels() {
        return Arrays.stream(values())
                .filter(TaskKind::isPromptTask)
                .map(TaskKind::label)
                .collect(Collectors.joining(", "));
    }
}
