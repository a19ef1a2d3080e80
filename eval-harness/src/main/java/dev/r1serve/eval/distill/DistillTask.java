package dev.r1serve.eval.distill;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a prompt asks for, which decides how a response's correctness is checked. */
public enum DistillTask {
    /** Free-form math; the verifier compares the answer with the reference (symbolic equivalence). */
    MATH(true),
    /** GSM8K-style: a number; the reference may end in "#### N". */
    GSM8K(true),
    /** Multiple choice answered with a letter; the reference is the letter. */
    CHOICE(true),
    /** Code; the last fenced block of the answer runs against the prompt's tests in the sandbox. */
    CODE(true),
    /** A reasoning question whose reference rules cannot check: a judge model compares (needs --judge-model). */
    OPEN(true),
    /** Non-reasoning (writing): no verifier; kept when it passes the format and language filters. */
    WRITING(false),
    /** Non-reasoning (factual QA, chit-chat): as writing. */
    QA(false);

    private final boolean reasoning;

    DistillTask(boolean reasoning) {
        this.reasoning = reasoning;
    }

    /** Whether this is reasoning data (correctness checked, reasoning required). */
    public boolean reasoning() {
        return reasoning;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DistillTask> parse(String s) {
        return Arrays.stream(values()).filter(t -> t.label().equals(s.strip().toLowerCase(Locale.ROOT))).findFirst();
    }

    public static String labels() {
        return Arrays.stream(values()).map(DistillTask::label).collect(Collectors.joining(", "));
    }
}
