package dev.r1serve.eval.distill;

import dev.r1serve.eval.grading.CodeGrading;
import dev.r1serve.reward.sandbox.Language;
import dev.r1serve.reward.verify.Verdict;
import dev.r1serve.reward.verify.Verifier;

/**
 * Checks a response's answer the way the task asks: math and multiple choice by the reward sandbox's verifiers,
 * code by running the answer's last fenced block against the prompt's tests in the bubblewrap sandbox (as the
 * eval harness grades code), open questions by a judge model. Thread-safe.
 */
final class CorrectnessChecker {

    private final Verifier math = Verifier.math();
    private final Verifier gsm8k = Verifier.gsm8k();
    private final ModelJudge judge; // null without --judge-model

    CorrectnessChecker(ModelJudge judge) {
        this.judge = judge;
    }

    Check check(DistillPrompt p, String answer) {
        return switch (p.task()) {
            case MATH -> verdict(math.verify(p.reference(), answer));
            case GSM8K -> verdict(gsm8k.verify(p.reference(), answer));
            case CHOICE ->
                verdict(Verifier.choice(Math.max(
                                2, p.choices().isEmpty() ? 10 : p.choices().size()))
                        .verify(p.reference(), answer, p.choices().isEmpty() ? null : p.choices()));
            case CODE -> {
                CodeGrading.Outcome o = CodeGrading.run(
                        Language.parse(p.codeLanguage()).orElseThrow(), p.reference(), answer, p.tests());
                yield new Check(o.correct(), o.summary());
            }
            case OPEN -> judge.judge(p.question(), p.reference(), answer);
            case WRITING, QA -> new Check(null, "non-reasoning: no check");
            case IFEVAL ->
                throw new IllegalArgumentException("task ifeval is not a prompt task"); // refused by PromptSets
        };
    }

    private static Check verdict(Verdict v) {
        return new Check(
                v.equivalent(),
                "predicted " + v.predExtracted() + ", reference " + v.goldExtracted() + " (" + v.rule() + ": "
                        + v.reason() + ")");
    }
}
