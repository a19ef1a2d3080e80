package dev.r1serve.eval.distill;

import dev.r1serve.eval.grading.CodeGrading;
import dev.r1serve.reward.RewardScorer;
import dev.r1serve.reward.sandbox.Language;
import dev.r1serve.reward.sandbox.Limits;
import dev.r1serve.reward.sandbox.RunStatus;
import dev.r1serve.reward.sandbox.SandboxPool;
import dev.r1serve.reward.sandbox.TestOutcome;
import dev.r1serve.reward.verify.Verdict;
import dev.r1serve.reward.verify.Verifier;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a response's answer the way the task asks: math and multiple choice by the reward sandbox's verifiers,
 * code by running the answer's last fenced block against the prompt's tests in the bubblewrap sandbox, open
 * questions by a judge model. Thread-safe.
 */
final class CorrectnessChecker {

    private final Verifier math = Verifier.math();
    private final Verifier gsm8k = Verifier.gsm8k();
    private final SandboxPool sandbox; // null when no prompt is code
    private final ModelJudge judge; // null without --judge-model
    private final Limits codeLimits;

    CorrectnessChecker(SandboxPool sandbox, ModelJudge judge, Limits codeLimits) {
        this.sandbox = sandbox;
        this.judge = judge;
        this.codeLimits = codeLimits;
    }

    Check check(DistillPrompt p, String answer) {
        return switch (p.task()) {
            case MATH -> verdict(math.verify(p.reference(), answer));
            case GSM8K -> verdict(gsm8k.verify(p.reference(), answer));
            case CHOICE -> verdict(Verifier.choice(Math.max(2, p.choices().isEmpty() ? 10 : p.choices().size()))
                    .verify(p.reference(), answer, p.choices().isEmpty() ? null : p.choices()));
            case CODE -> code(p, answer);
            case OPEN -> judge.judge(p.question(), p.reference(), answer);
            case WRITING, QA -> new Check(null, "non-reasoning: no check");
        };
    }

    private static Check verdict(Verdict v) {
        return new Check(v.equivalent(), "predicted " + v.predExtracted() + ", reference " + v.goldExtracted()
                + " (" + v.rule() + ": " + v.reason() + ")");
    }

    private Check code(DistillPrompt p, String answer) {
        String code = RewardScorer.extractCode(answer);
        if (code.isBlank()) return new Check(false, "no code in the answer");
        if (p.codeLanguage().equals("python")) code = CodeGrading.program(p.reference(), code, p.tests());
        Language lang = Language.parse(p.codeLanguage()).orElseThrow();
        if (!sandbox.sandbox().supports(lang)) return new Check(false, lang.label() + " is not installed here");
        List<TestOutcome> outcomes = dev.r1serve.reward.sandbox.CodeTests.run(sandbox, lang, code, p.tests(), codeLimits)
                .toCompletableFuture().join();
        long passed = outcomes.stream().filter(o -> o.status() == RunStatus.OK).count();
        Map<String, Integer> byStatus = new TreeMap<>();
        for (TestOutcome o : outcomes) byStatus.merge(o.status().label(), 1, Integer::sum);
        return new Check(passed == outcomes.size(), passed + "/" + outcomes.size() + " tests passed " + byStatus);
    }
}
