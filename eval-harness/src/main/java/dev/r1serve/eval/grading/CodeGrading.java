package dev.r1serve.eval.grading;

import dev.r1serve.eval.benchmark.Variant;
import dev.r1serve.reward.RewardScorer;
import dev.r1serve.reward.sandbox.CodeTest;
import dev.r1serve.reward.sandbox.CodeTests;
import dev.r1serve.reward.sandbox.Language;
import dev.r1serve.reward.sandbox.Limits;
import dev.r1serve.reward.sandbox.RunStatus;
import dev.r1serve.reward.sandbox.Sandbox;
import dev.r1serve.reward.sandbox.SandboxPool;
import dev.r1serve.reward.sandbox.TestOutcome;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Grades code answers by running them: the answer's last fenced block (else the whole answer) becomes a Python
 * program, run against every test of the question in the reward sandbox; correct when all pass (see
 * {@link #program} for how the question's stub and the answer are put together).
 */
public final class CodeGrading {

    /** Per test: HumanEval's own harness allows 3 s; competitive problems get a little more. */
    static final Limits LIMITS = Limits.DEFAULT.withWallMillis(6_000);
    private static final int MAX_EXTRACTED_CHARS = 4_000;

    private static SandboxPool pool;

    private CodeGrading() {}

    /** The process-wide sandbox pool (sized to the cores), started on first use. */
    static synchronized SandboxPool pool() {
        if (pool == null) pool = SandboxPool.sizedToCores(Sandbox.detect(), null);
        return pool;
    }

    static Grade grade(Variant v, String answer) {
        String code = RewardScorer.extractCode(answer);
        if (code.isBlank()) return new Grade(null, "fail", false, "no-code");
        if (v.tests().isEmpty()) return new Grade(null, "fail", false, "no-tests"); // nothing to pass is not a pass
        String program = program(v.gold(), code, v.tests());
        List<TestOutcome> outcomes = CodeTests.run(pool(), Language.PYTHON, program, v.tests(), LIMITS).toCompletableFuture().join();
        long passed = outcomes.stream().filter(o -> o.status() == RunStatus.OK).count();
        Map<String, Integer> byStatus = new TreeMap<>();
        for (TestOutcome o : outcomes) byStatus.merge(o.status().label(), 1, Integer::sum);
        boolean correct = passed == outcomes.size();
        String extracted = code.length() > MAX_EXTRACTED_CHARS ? code.substring(0, MAX_EXTRACTED_CHARS) + "…" : code;
        return new Grade(extracted, correct ? "pass" : "fail", correct, "tests " + passed + "/" + outcomes.size() + " " + byStatus);
    }

    /**
     * The program to test. When the answer only continues the stub (a HumanEval entry point it does not define
     * itself), the stub followed by the answer, as HumanEval's own harness does; otherwise the stub, then the
     * answer's code, which redefines what it defines (the stub brings imports and helper functions; a stub
     * function with only its docstring is valid Python).
     */
    public static String program(String stub, String code, List<CodeTest> tests) {
        if (stub == null || stub.isBlank()) return code;
        String entry = tests.stream().filter(CodeTest::isFunctionCall).map(CodeTest::entryPoint).findFirst().orElse("");
        boolean continuation = !entry.isEmpty() && !entry.equals("Solution") && !code.contains("def " + entry);
        return continuation ? stub + code : stub + "\n\n" + code;
    }
}
