package dev.r1serve.reward.sandbox;

/**
 * One test case: either stdin/expected stdout, or function-call test code (HumanEval: {@code def check(candidate)}
 * and the entry point's name, called as {@code check(entry_point)}).
 */
public record CodeTest(String stdin, String expectedStdout, String testCode, String entryPoint) {

    public static CodeTest io(String stdin, String expectedStdout) { return new CodeTest(stdin, expectedStdout, "", ""); }

    public static CodeTest call(String testCode, String entryPoint) { return new CodeTest("", "", testCode, entryPoint); }

    public boolean isFunctionCall() { return testCode != null && !testCode.isBlank(); }
}
