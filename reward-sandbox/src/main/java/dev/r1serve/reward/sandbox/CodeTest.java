package dev.r1serve.reward.sandbox;

/**
 * One test case: either stdin/expected stdout, or a function-call test (HumanEval: {@code def check(candidate)}
 * and the entry point's name). A function-call test's {@code setup} and {@code testCode} are trusted: they run in
 * the judge's sandbox, never beside the candidate's code (see {@link FunctionCallRun}).
 *
 * @param setup code the test needs before {@code testCode} (e.g. helpers from HumanEval's prompt that its
 *     checks call, such as {@code poly} for HumanEval/32); empty when none
 */
public record CodeTest(String stdin, String expectedStdout, String testCode, String entryPoint, String setup) {

    public CodeTest {
        stdin = stdin == null ? "" : stdin;
        expectedStdout = expectedStdout == null ? "" : expectedStdout;
        testCode = testCode == null ? "" : testCode;
        entryPoint = entryPoint == null ? "" : entryPoint;
        setup = setup == null ? "" : setup;
    }

    public static CodeTest io(String stdin, String expectedStdout) {
        return new CodeTest(stdin, expectedStdout, "", "", "");
    }

    public static CodeTest call(String testCode, String entryPoint) {
        return new CodeTest("", "", testCode, entryPoint, "");
    }

    /** This test with {@code setup} run before its test code in the judge. */
    public CodeTest withSetup(String setup) {
        return new CodeTest(stdin, expectedStdout, testCode, entryPoint, setup);
    }

    public boolean isFunctionCall() {
        return !testCode.isBlank();
    }
}
