package dev.r1serve.eval.grading;

import dev.r1serve.eval.benchmark.Variant;
import dev.r1serve.reward.RewardScorer;
import dev.r1serve.reward.sandbox.CodeTest;
import dev.r1serve.reward.sandbox.CodeTests;
import dev.r1serve.reward.sandbox.Language;
import dev.r1serve.reward.sandbox.Limits;
import dev.r1serve.reward.sandbox.Sandbox;
import dev.r1serve.reward.sandbox.SandboxPool;
import java.util.List;

/**
 * Grades code answers by running them, for the eval harness and {@code r1 distill}: the answer's last fenced block
 * (else the whole answer) becomes a program, run against every test of the question in the reward sandbox, each
 * test in its own sandbox; correct when all pass (see {@link #program} for how a question's stub and the answer
 * are put together).
 */
public final class CodeGrading {

    /** Per test: HumanEval's own harness allows 3 s; competitive problems get a little more. */
    public static final Limits LIMITS = Limits.DEFAULT.withWallMillis(6_000);

    private static final int MAX_CODE_CHARS = 4_000;

    private static SandboxPool pool;

    private CodeGrading() {}

    /**
     * The process-wide sandbox pool (sized to the cores), started on first use; throws
     * {@link dev.r1serve.reward.sandbox.SandboxUnavailableException} with the fix when bubblewrap is missing.
     */
    public static synchronized SandboxPool pool() {
        if (pool == null) pool = SandboxPool.sizedToCores(Sandbox.detect(), null);
        return pool;
    }

    /**
     * What running an answer gave.
     *
     * @param code the code that ran (capped for the records), null when the answer had none
     * @param summary e.g. {@code tests 2/3 {ok=2, timeout=1}}, or why nothing ran
     */
    public record Outcome(String code, boolean correct, String summary) {}

    /** Runs {@code answer}'s code in {@code lang} against {@code tests}, after {@code stub} (Python only; may be null). */
    public static Outcome run(Language lang, String stub, String answer, List<CodeTest> tests) {
        String code = RewardScorer.extractCode(answer == null ? "" : answer);
        if (code.isBlank()) return new Outcome(null, false, "no-code");
        if (tests.isEmpty()) return new Outcome(null, false, "no-tests"); // nothing to pass is not a pass
        SandboxPool sandbox = pool();
        if (!sandbox.sandbox().supports(lang)) return new Outcome(null, false, lang.label() + " is not installed here");
        String program = lang == Language.PYTHON ? program(stub, code, tests) : code;
        // function-call tests run on the judge's side with the stub before them (HumanEval's checks call its helpers)
        List<CodeTest> judged = stub == null || stub.isBlank()
                ? tests
                : tests.stream()
                        .map(t -> t.isFunctionCall() && t.setup().isBlank() ? t.withSetup(stub) : t)
                        .toList();
        CodeTests.Summary s = CodeTests.summarize(CodeTests.run(sandbox, lang, program, judged, LIMITS)
                .toCompletableFuture()
                .join());
        String shown = code.length() > MAX_CODE_CHARS ? code.substring(0, MAX_CODE_CHARS) + "…" : code;
        return new Outcome(shown, s.allPassed(), "tests " + s.passed() + "/" + s.total() + " " + s.byStatus());
    }

    /** An eval grade: votes "pass" or "fail" (cons@k is then whether most samples pass). */
    static Grade grade(Variant v, String answer) {
        Outcome o = run(Language.PYTHON, v.gold(), answer, v.tests());
        return new Grade(o.code(), o.correct() ? "pass" : "fail", o.correct(), o.summary());
    }

    /**
     * The program to test. When the answer only continues the stub (a HumanEval entry point it does not define
     * itself), the stub followed by the answer, as HumanEval's own harness does; otherwise the stub, then the
     * answer's code, which redefines what it defines (the stub brings imports and helper functions; a stub
     * function with only its docstring is valid Python).
     */
    public static String program(String stub, String code, List<CodeTest> tests) {
        if (stub == null || stub.isBlank()) return code;
        String entry = tests.stream()
                .filter(CodeTest::isFunctionCall)
                .map(CodeTest::entryPoint)
                .findFirst()
                .orElse("");
        boolean continuation = !entry.isEmpty() && !entry.equals("Solution") && !code.contains("def " + entry);
        return continuation ? stub + code : stub + "\n\n" + code;
    }
}
