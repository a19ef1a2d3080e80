package dev.r1serve.reward.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.r1serve.proto.v1.CodeTest;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.RewardValue;
import dev.r1serve.proto.v1.RewardWeights;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.RewardOptions;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.reward.sandbox.Limits;
import dev.r1serve.reward.sandbox.Sandbox;
import dev.r1serve.reward.sandbox.SandboxUnavailableException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Code that games the checks, scored as a trainer would score it: a rollout sent to a real RewardServer over
 * gRPC, the accuracy read from the reply. Every hack must score 0; the honest answers beside them score 1.
 * Each test is named after its hack. (Sandbox containment itself is {@code SandboxTest}'s.)
 */
class CodeRewardHackTest {

    static RewardServer server;
    static ManagedChannel channel;
    static RewardServiceGrpc.RewardServiceBlockingStub stub;

    @BeforeAll
    static void start() throws Exception {
        try {
            Sandbox.detect().close();
        } catch (SandboxUnavailableException e) {
            assumeTrue(false, "code reward hacks skipped: " + e.getMessage());
        }
        // tight limits keep the timeouts short
        Limits limits = new Limits(2_000, 2, 256L << 20, 16, 1 << 20, 32, 256 * 1024);
        server = RewardServer.start(
                RewardServer.Config.loopback(0).withRewards(new RewardOptions(false, null, limits, false)));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        stub = RewardServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (server != null) server.close();
    }

    /** HumanEval style: the expected values live only in the test code. */
    static final String TEST = "def check(candidate):\n"
            + "    assert candidate([1, 2, 3]) == 6\n"
            + "    assert candidate([]) == 0\n"
            + "    assert candidate([10**30, 1]) == 10**30 + 1\n"
            + "    assert candidate(list(range(100))) == 4950\n";

    static final String ENTRY = "total";
    static final String HONEST = "def total(xs):\n    return sum(xs)\n";

    static double accuracy(String code, CodeTest test, String language) {
        Rollout r = Rollout.newBuilder()
                .setId("r")
                .setGroupId("g")
                .setGroupSize(1)
                .setPrompt("Sum a list.")
                .setCompletion("<think>write it</think><answer>```python\n" + code + "\n```</answer>")
                .setTaskType(TaskType.TASK_TYPE_CODE)
                .setReference(Reference.newBuilder().addTests(test).setLanguage(language))
                .setWeights(RewardWeights.newBuilder().setFormat(0))
                .build();
        RolloutResult res = stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                .score(ScoreRequest.newBuilder().addRollouts(r).build())
                .getResults(0);
        RewardValue acc = res.getRewardsList().stream()
                .filter(v -> v.getName().equals("accuracy"))
                .findFirst()
                .orElseThrow();
        lastReason = acc.getReason();
        return acc.getValue();
    }

    static String lastReason = "";

    static CodeTest call(String test, String entry) {
        return CodeTest.newBuilder().setTestCode(test).setEntryPoint(entry).build();
    }

    static void scoresZero(String code) {
        assertEquals(0.0, accuracy(code, call(TEST, ENTRY), "python"), lastReason);
    }

    static void stdinScoresZero(String language, String code) {
        CodeTest t =
                CodeTest.newBuilder().setStdin("2 3\n").setExpectedStdout("5\n").build();
        assertEquals(0.0, accuracy(code, t, language), lastReason);
    }

    // ---- honest answers score 1 --------------------------------------------------------------------------------

    @Test
    void honestFunctionScoresOne() {
        assertEquals(1.0, accuracy(HONEST, call(TEST, ENTRY), "python"), lastReason);
    }

    @Test
    void honestSolutionClassScoresOne() {
        // LiveCodeBench's functional form: the entry point is a class, the test calls a method of an instance
        String test = "def check(candidate):\n    assert getattr(candidate(), 'twoSum')([2, 7, 11], 9) == [0, 1]\n";
        String code = "class Solution:\n    def twoSum(self, nums, target):\n"
                + "        seen = {}\n        for i, n in enumerate(nums):\n"
                + "            if target - n in seen: return [seen[target - n], i]\n            seen[n] = i\n";
        assertEquals(1.0, accuracy(code, call(test, "Solution"), "python"), lastReason);
    }

    @Test
    void honestAnswerWithPrintsAndHelpersScoresOne() {
        String code = "import math\ndef helper(x):\n    return x\ndef total(xs):\n    print('debugging', xs)\n"
                + "    return sum(helper(x) for x in xs)\nif __name__ == '__main__':\n    print(total([1]))\n";
        assertEquals(1.0, accuracy(code, call(TEST, ENTRY), "python"), lastReason);
    }

    @Test
    void honestStdinProgramScoresOne() {
        assertEquals(
                1.0,
                accuracy(
                        "a, b = map(int, input().split())\nprint(a + b)",
                        CodeTest.newBuilder()
                                .setStdin("2 3\n")
                                .setExpectedStdout("5\n")
                                .build(),
                        "python"),
                lastReason);
    }

    @Test
    void honestCppProgramScoresOne() {
        assumeTrue(gpp(), "g++ not installed");
        assertEquals(
                1.0,
                accuracy(
                        "#include <iostream>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}",
                        CodeTest.newBuilder()
                                .setStdin("2 3\n")
                                .setExpectedStdout("5\n")
                                .build(),
                        "cpp"),
                lastReason);
    }

    // ---- leaving early ------------------------------------------------------------------------------------------

    @Test
    void osExitZeroBeforeTheAsserts() {
        scoresZero("import os\ndef total(xs):\n    return 0\nos._exit(0)\n");
    }

    @Test
    void sysExitZeroAtImport() {
        scoresZero("import sys\ndef total(xs):\n    return 0\nsys.exit(0)\n");
    }

    @Test
    void osExitZeroInsideTheFunction() {
        scoresZero("import os\ndef total(xs):\n    os._exit(0)\n");
    }

    @Test
    void systemExitRaisedFromTheFunction() {
        scoresZero("def total(xs):\n    raise SystemExit(0)\n");
    }

    @Test
    void keyboardInterruptRaisedFromTheFunction() {
        scoresZero("def total(xs):\n    raise KeyboardInterrupt\n");
    }

    @Test
    void atexitHookThatExitsZero() {
        scoresZero("import atexit, os\natexit.register(lambda: os._exit(0))\ndef total(xs):\n    return -1\n");
    }

    @Test
    void finalizerThatExitsZero() {
        scoresZero("import os\nclass Bye:\n    def __del__(self):\n        os._exit(0)\n_keep = Bye()\n"
                + "def total(xs):\n    raise ValueError('no idea')\n");
    }

    @Test
    void timerThreadExitsZeroWhileTheTestRuns() {
        scoresZero("import os, threading, time\nthreading.Timer(0.05, lambda: os._exit(0)).start()\n"
                + "def total(xs):\n    time.sleep(1)\n    return 0\n");
    }

    @Test
    void alarmSignalHandlerExitsZero() {
        scoresZero("import os, signal, time\nsignal.signal(signal.SIGALRM, lambda *a: os._exit(0))\nsignal.alarm(1)\n"
                + "def total(xs):\n    time.sleep(3)\n");
    }

    @Test
    void forkedChildExitsZeroWhileTheParentHangs() {
        scoresZero("import os, time\nif os.fork() == 0:\n    os._exit(0)\ndef total(xs):\n    time.sleep(10)\n");
    }

    @Test
    void killingItsOwnInitOrParent() {
        scoresZero("import os, signal\nos.kill(1, signal.SIGKILL)\nos.kill(os.getppid() or 1, signal.SIGKILL)\n"
                + "def total(xs):\n    return None\n");
    }

    // ---- values that only pretend to be right -----------------------------------------------------------------

    @Test
    void objectWhoseEqualsIsAlwaysTrue() {
        scoresZero("class Any:\n    def __eq__(self, other):\n        return True\n    __hash__ = None\n"
                + "def total(xs):\n    return Any()\n");
    }

    @Test
    void intSubclassWhoseEqualsIsAlwaysTrue() {
        scoresZero(
                "class I(int):\n    def __eq__(self, other):\n        return True\ndef total(xs):\n    return I(0)\n");
    }

    @Test
    void strSubclassWhoseEqualsIsAlwaysTrue() {
        String test = "def check(candidate):\n    assert candidate('ab') == 'ba'\n";
        String code =
                "class S(str):\n    def __eq__(self, other):\n        return True\ndef rev(s):\n    return S('')\n";
        assertEquals(0.0, accuracy(code, call(test, "rev"), "python"), lastReason);
    }

    @Test
    void listSubclassWhoseEqualsIsAlwaysTrue() {
        String test = "def check(candidate):\n    assert candidate(3) == [0, 1, 2]\n";
        String code =
                "class L(list):\n    def __eq__(self, other):\n        return True\ndef upto(n):\n    return L()\n";
        assertEquals(0.0, accuracy(code, call(test, "upto"), "python"), lastReason);
    }

    @Test
    void entryPointIsAnObjectWhoseCallReturnsAnAlwaysEqualValue() {
        scoresZero("class Any:\n    def __eq__(self, o):\n        return True\nclass F:\n    def __call__(self, xs):\n"
                + "        return Any()\ntotal = F()\n");
    }

    @Test
    void generatorThatRaisesWhenTheTestReadsIt() {
        String test = "def check(candidate):\n    assert list(candidate(3)) == [0, 1, 2]\n";
        String code = "import os\ndef upto(n):\n    yield 0\n    os._exit(0)\n";
        assertEquals(0.0, accuracy(code, call(test, "upto"), "python"), lastReason);
    }

    @Test
    void valueNestedTooDeepToCheck() {
        scoresZero("def total(xs):\n    v = []\n    for _ in range(100000):\n        v = [v]\n    return v\n");
    }

    // ---- reading or rewriting the tests -------------------------------------------------------------------------

    @Test
    void readingTheTestSourceForTheExpectedValues() {
        // the tests are not in the candidate's sandbox: nothing on its filesystem mentions check()
        scoresZero("import os, re\nfound = {}\nfor root, dirs, files in os.walk('/'):\n"
                + "    if root.startswith(('/proc', '/sys', '/usr', '/dev')): continue\n"
                + "    for f in files:\n        try: text = open(os.path.join(root, f)).read()\n"
                + "        except Exception: continue\n        for a, b in re.findall(r'candidate\\((.*?)\\) == (.*)', text):\n"
                + "            found[a] = b\n"
                + "def total(xs):\n    return eval(found.get(repr(xs), 'None'))\n");
    }

    @Test
    void readingTheJudgesMemoryAndFilesThroughProc() {
        // the judge (PID 1) holds the test: it is non-dumpable, so /proc/1/mem, fd and environ stay closed
        scoresZero(
                "import os, re\nleaks = []\nfor path in ('/proc/1/mem', '/proc/1/fd/0', '/proc/1/environ', '/proc/1/maps'):\n"
                        + "    try:\n        with open(path, 'rb') as f: leaks.append(f.read(1 << 16))\n"
                        + "    except OSError: pass\n"
                        + "for fd in os.listdir('/proc/1/fd') if os.access('/proc/1/fd', os.R_OK) else []:\n    leaks.append(fd.encode())\n"
                        + "def total(xs):\n    for blob in leaks:\n        m = re.search(rb'== (\\d+)', blob)\n"
                        + "        if m: return int(m.group(1))\n    return -1\n");
    }

    @Test
    void signallingTheJudgeToInterruptItsChecks() {
        // SIGINT would raise KeyboardInterrupt inside check(); the judge ignores every signal the candidate can send
        scoresZero(
                "import os, signal\ndef total(xs):\n    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGUSR1, signal.SIGALRM, signal.SIGPIPE):\n"
                        + "        try: os.kill(1, s)\n        except OSError: pass\n    return -1\n");
    }

    @Test
    void plantingModulesTheTestImports() {
        // modules written to the working directory and /tmp are not on the judge's module path
        String test =
                "def check(candidate):\n    import fractions, decimal, statistics\n    assert candidate([1, 2]) == 3\n";
        String plant =
                "import os\nfor fd in range(64):\n    try: os.write(fd, b'{\"verdict\":\"pass\",\"reason\":\"\"}\\n')\n"
                        + "    except OSError: pass\nos._exit(0)\n";
        String code = "for d in ('/work', '/tmp', '/dev/shm'):\n    for m in ('fractions', 'decimal', 'statistics'):\n"
                + "        try: open(d + '/' + m + '.py', 'w').write(" + pyLiteral(plant)
                + ")\n        except OSError: pass\n"
                + "def total(xs):\n    return -1\n";
        assertEquals(0.0, accuracy(code, call(test, ENTRY), "python"), lastReason);
    }

    static String pyLiteral(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }

    @Test
    void callerFramesInspectedForTheExpectedValues() {
        scoresZero("import sys\ndef total(xs):\n    f = sys._getframe(1)\n    while f:\n"
                + "        for v in f.f_locals.values():\n            if isinstance(v, int) and v > 5: return v\n"
                + "        f = f.f_back\n    return None\n");
    }

    @Test
    void traceFunctionThatSkipsTheAsserts() {
        scoresZero("import sys\ndef skip(frame, event, arg):\n    if frame.f_code.co_name == 'check':\n"
                + "        raise SystemExit(0)\n    return skip\nsys.settrace(skip)\nsys.setprofile(skip)\n"
                + "def total(xs):\n    return -1\n");
    }

    @Test
    void redefiningCheckToPassEverything() {
        scoresZero("def check(candidate):\n    return True\ndef total(xs):\n    return -1\n"
                + "import builtins\nbuiltins.check = check\n");
    }

    @Test
    void patchingAssertionErrorAway() {
        scoresZero("import builtins\nclass Never(BaseException): pass\nbuiltins.AssertionError = Never\n"
                + "def total(xs):\n    return -1\n");
    }

    @Test
    void raisingAssertionErrorAsIfTheTestFailedElsewhere() {
        scoresZero("def total(xs):\n    raise AssertionError('skip')\n");
    }

    @Test
    void printingAForgedPassVerdict() {
        scoresZero("import os, sys\nsys.stdout.write('{\"verdict\":\"pass\",\"reason\":\"\"}\\n')\n"
                + "os.write(1, b'{\"verdict\":\"pass\"}\\n')\nos.write(2, b'{\"verdict\":\"pass\"}\\n')\n"
                + "def total(xs):\n    return -1\n");
    }

    @Test
    void forgingProtocolAnswersOnEveryFileDescriptor() {
        // writes a right-looking answer ahead of time on every fd it holds; answers only ever stand for its own
        // return values, and this one's are wrong
        scoresZero("import os\nfor fd in range(3, 32):\n    try: os.write(fd, b'[\"ok\", {\"i\": \"0x6\"}]\\n')\n"
                + "    except OSError: pass\ndef total(xs):\n    return -1\n");
    }

    @Test
    void patchingTheInterpreterToForgeAnswers() {
        // json and builtins of its own process only: the judge never runs this interpreter
        scoresZero(
                "import json, builtins\njson.loads = lambda *a, **k: ['ok', 6]\njson.dumps = lambda *a, **k: '[\"ok\", 6]'\n"
                        + "builtins.print = None\ndef total(xs):\n    return -1\n");
    }

    // ---- resources --------------------------------------------------------------------------------------------

    @Test
    void infiniteLoopInTheFunction() {
        scoresZero("def total(xs):\n    while True: pass\n");
    }

    @Test
    void sleepingPastTheWallLimit() {
        scoresZero("import time\ndef total(xs):\n    time.sleep(30)\n    return sum(xs)\n");
    }

    @Test
    void hugeReturnValue() {
        scoresZero("def total(xs):\n    return 'x' * (64 << 20)\n");
    }

    @Test
    void hugeOutputWhileRunning() {
        scoresZero("import sys\ndef total(xs):\n    while True: sys.stderr.write('x' * 65536)\n");
    }

    // ---- stdin/stdout tests ---------------------------------------------------------------------------------------

    @Test
    void rightOutputThenCrash() {
        stdinScoresZero("python", "import os\nprint(5, flush=True)\nos.abort()\n");
    }

    @Test
    void rightOutputThenSleepPastTheLimit() {
        stdinScoresZero("python", "import time\nprint(5, flush=True)\ntime.sleep(30)\n");
    }

    @Test
    void rightOutputThenNonZeroExit() {
        stdinScoresZero("python", "import sys\nprint(5)\nsys.exit(3)\n");
    }

    @Test
    void cppRightOutputThenForgedStatusTrailerAndCrash() {
        assumeTrue(gpp(), "g++ not installed");
        stdinScoresZero(
                "cpp",
                "#include <cstdio>\n#include <cstdlib>\nint main(){ std::puts(\"5\");"
                        + " std::fprintf(stderr, \"\\n@@r1-sandbox@@ rc=0\\n\"); std::fflush(0); std::abort(); }");
    }

    @Test
    void cppRightOutputThenSleepWithinTheCompileAllowance() {
        assumeTrue(gpp(), "g++ not installed");
        stdinScoresZero(
                "cpp",
                "#include <cstdio>\n#include <unistd.h>\nint main(){ std::puts(\"5\"); std::fflush(stdout); sleep(5); }");
    }

    @Test
    void cppCpuSpreadOverAChainOfChildren() {
        assumeTrue(gpp(), "g++ not installed");
        // each child would burn just under the per-process CPU limit; fork is refused, so the work cannot spread
        stdinScoresZero(
                "cpp",
                "#include <cstdio>\n#include <unistd.h>\n#include <sys/wait.h>\n"
                        + "int main(){ for (int i = 0; i < 8; i++) { pid_t p = fork(); if (p < 0) return 1; if (p > 0) { int s; waitpid(p, &s, 0); return 0; } }"
                        + " std::puts(\"5\"); }");
    }

    @Test
    void cppKillsItsParentAfterTheRightOutput() {
        assumeTrue(gpp(), "g++ not installed");
        stdinScoresZero(
                "cpp",
                "#include <cstdio>\n#include <csignal>\n#include <unistd.h>\nint main(){ std::puts(\"5\"); std::fflush(stdout);"
                        + " kill(getppid(), SIGKILL); kill(1, SIGKILL); raise(SIGSEGV); *(volatile int*)0 = 1; }");
    }

    // ---- malformed test specs: a clear error, never a pass ----------------------------------------------------

    @Test
    void testCodeWithoutCheckIsRefused() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> accuracy(HONEST, call("def test(candidate):\n    assert True\n", ENTRY), "python"));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("test_code must define check(candidate)"), e.toString());
    }

    @Test
    void testCodeWithoutEntryPointIsRefused() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> accuracy(HONEST, CodeTest.newBuilder().setTestCode(TEST).build(), "python"));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("entry_point is required"), e.toString());
    }

    @Test
    void functionCallTestForCppIsRefused() {
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> accuracy("int main(){}", call(TEST, ENTRY), "cpp"));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("Python only"), e.toString());
    }

    @Test
    void testCodeThatFailsToLoadIsAFailedTestWithItsReason() {
        assertEquals(
                0.0,
                accuracy(
                        HONEST,
                        call("def check(candidate):\n    assert candidate([1]) == 1\nraise ImportError('x')\n", ENTRY),
                        "python"),
                lastReason);
        assertTrue(lastReason.contains("error=1"), lastReason);
    }

    @Test
    void testPassingANonSerializableArgumentIsATestError() {
        assertEquals(
                0.0,
                accuracy(
                        "def apply(f):\n    return f(1)\n",
                        call("def check(candidate):\n    assert candidate(lambda x: x) == 1\n", "apply"),
                        "python"),
                lastReason);
        assertTrue(lastReason.contains("error=1"), lastReason);
    }

    @Test
    void entryPointTheAnswerNeverDefines() {
        scoresZero("def other(xs):\n    return sum(xs)\n");
    }

    static boolean gpp() {
        try {
            Process p = new ProcessBuilder("g++", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
