package dev.r1serve.eval.grading;

import dev.r1serve.eval.benchmark.Variant;
import dev.r1serve.eval.ifeval.IfEvalData;
import dev.r1serve.eval.ifeval.IfEvalGrading;
import dev.r1serve.reward.verify.Verdict;
import dev.r1serve.reward.verify.Verifier;

/**
 * Grades sample answers with the reward sandbox's verifiers. Only the answer section counts: the caller passes
 * the protocol's {@code Sample.answer} (the text after the last {@code </think>}), which is empty when the
 * reasoning never closed, and an empty answer is no answer and wrong.
 */
public final class Grader {

    /**
     * Version of the grading rules; recorded in every run so that results graded by different rules are not
     * silently compared. Bump it whenever this class or the verifier settings it uses change behaviour.
     */
    public static final String VERSION =
            "eval-grader/2 (reward-sandbox Verifier: math/gsm8k/choice defaults; code: tests in the sandbox)";

    private final TaskKind kind;
    private final Verifier verifier;

    private Grader(TaskKind kind, Verifier verifier) {
        this.kind = kind;
        this.verifier = verifier;
    }

    /**
     * The grader for a benchmark's kind; {@code nChoices} matters only for choice questions. Code needs the
     * reward sandbox: without bubblewrap this fails at once, with the fix in the message.
     */
    public static Grader of(TaskKind kind, int nChoices) {
        if (kind == TaskKind.CODE) CodeGrading.pool();
        return new Grader(
                kind,
                switch (kind) {
                    case MATH -> Verifier.math();
                    case GSM8K -> Verifier.gsm8k();
                    case CHOICE -> Verifier.choice(Math.max(2, nChoices));
                    case CODE, IFEVAL -> null; // graded by running the code / the instruction checkers
                    case OPEN, WRITING, QA ->
                        throw new IllegalArgumentException("grader: " + kind.label() + " grades no benchmark");
                });
    }

    public TaskKind kind() {
        return kind;
    }

    /** Grades one sample's answer section against the variant it was asked. */
    public Grade grade(Variant variant, String answer) {
        if (answer == null || answer.isBlank()) return new Grade(null, null, false, "no-answer");
        if (kind == TaskKind.CODE) return CodeGrading.grade(variant, answer); // votes "pass" or "fail"
        if (kind == TaskKind.IFEVAL) {
            // Correct = every instruction followed by the answer as it is (prompt-level strict); votes like code.
            IfEvalGrading.Result r = IfEvalGrading.grade(IfEvalData.instructions(variant.gold()), answer);
            String verdict = r.allStrict() ? "pass" : "fail";
            return new Grade(verdict, verdict, r.allStrict(), r.describe());
        }
        Verdict v = kind == TaskKind.CHOICE
                ? verifier.verify(variant.gold(), answer, variant.choices())
                : verifier.verify(variant.gold(), answer);
        String extracted = v.predExtracted();
        String vote = kind == TaskKind.CHOICE ? variant.canonicalLetter(extracted) : extracted;
        return new Grade(extracted, vote, v.equivalent(), v.rule());
    }

    /** Whether two votes name the same answer (verifier equivalence; exact letters for choice questions). */
    public boolean sameAnswer(String a, String b) {
        if (a.equals(b)) return true;
        return verifier != null && verifier.equivalent(a, b);
    }
}
