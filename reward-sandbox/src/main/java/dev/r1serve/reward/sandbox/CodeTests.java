package dev.r1serve.reward.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs a program against test cases, each in its own sandbox (so one test's state cannot leak into the next),
 * all submitted to the pool at once.
 *
 * <p>Verdicts: a stdin test is {@link RunStatus#OK} when the run exits 0 (bubblewrap's status, which the program
 * cannot forge: output printed before a crash, a kill or a timeout never counts) and its stdout equals the expected
 * one up to trailing whitespace on each line and trailing blank lines, else {@link RunStatus#WRONG}; a function-call
 * test is OK only when the judge's sandbox saw {@code check(candidate)} return, WRONG on a failed assertion or a
 * return value that is not plain data ({@link FunctionCallRun}). Timeouts, memory, output
 * limit and crashes keep their own status so a trainer can tell a slow solution from a wrong one.
 */
public final class CodeTests {

    private CodeTests() {}

    public static CompletionStage<List<TestOutcome>> run(
            SandboxPool pool, Language lang, String code, List<CodeTest> tests, Limits limits) {
        return run(pool, lang, code, tests, limits, RunScope.NONE);
    }

    /** As {@link #run(SandboxPool, Language, String, List, Limits)}; the runs are cancelled with {@code scope}. */
    public static CompletionStage<List<TestOutcome>> run(
            SandboxPool pool, Language lang, String code, List<CodeTest> tests, Limits limits, RunScope scope) {
        List<CompletableFuture<TestOutcome>> fs = new ArrayList<>();
        for (CodeTest t : tests) {
            if (t.isFunctionCall()) {
                if (lang != Language.PYTHON) {
                    fs.add(CompletableFuture.completedFuture(new TestOutcome(
                            RunStatus.ERROR,
                            new RunResult(
                                    RunStatus.ERROR,
                                    -1,
                                    0,
                                    "",
                                    "",
                                    -1,
                                    0,
                                    false,
                                    "function-call tests are Python only"))));
                    continue;
                }
                fs.add(pool.submitFunctionCall(code, t, limits, scope)
                        .toCompletableFuture()
                        .thenApply(r -> new TestOutcome(r.status(), r)));
            } else {
                fs.add(pool.submit(lang, code, t.stdin(), limits, scope)
                        .toCompletableFuture()
                        .thenApply(r -> new TestOutcome(
                                r.status() == RunStatus.OK
                                                && !normalize(r.stdout()).equals(normalize(t.expectedStdout()))
                                        ? RunStatus.WRONG
                                        : r.status(),
                                r)));
            }
        }
        return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
                .thenApply(v -> fs.stream().map(CompletableFuture::join).toList());
    }

    /**
     * How a program did on its tests.
     *
     * @param byStatus tests per status label, e.g. {@code {ok=2, timeout=1}}
     */
    public record Summary(long passed, int total, java.util.Map<String, Integer> byStatus) {
        public boolean allPassed() {
            return passed == total;
        }

        /** e.g. {@code 2/3 tests passed {ok=2, timeout=1}}. */
        @Override
        public String toString() {
            return passed + "/" + total + " tests passed " + byStatus;
        }
    }

    public static Summary summarize(List<TestOutcome> outcomes) {
        java.util.Map<String, Integer> byStatus = new java.util.TreeMap<>();
        for (TestOutcome o : outcomes) byStatus.merge(o.status().label(), 1, Integer::sum);
        return new Summary(
                outcomes.stream().filter(o -> o.status() == RunStatus.OK).count(), outcomes.size(), byStatus);
    }

    /** Trailing whitespace of every line and trailing blank lines removed; line ends unified. */
    static String normalize(String s) {
        String[] lines = s.replace("\r\n", "\n").split("\n", -1);
        StringBuilder b = new StringBuilder();
        for (String l : lines) b.append(l.stripTrailing()).append('\n');
        return b.toString().stripTrailing();
    }
}
