package dev.r1serve.reward.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One function-call test (HumanEval's {@code check(candidate)}, LiveCodeBench's functional tests) run so that the
 * candidate cannot fake a pass.
 *
 * <p>Two processes in one sandbox, and they share no interpreter. The sandbox's first process (the judge, PID 1)
 * forks the <b>candidate</b> before it has seen the test: the child keeps only two pipes to the judge, loads the
 * answer's code and answers calls of the entry point, one JSON line each, with plain data (None, bool, int, float,
 * str, bytes, list, tuple, dict, set, range; exact types, no subclasses; anything else is refused). The judge then
 * makes itself non-dumpable (its memory and file descriptors are closed to the candidate through {@code /proc}),
 * ignores every signal (as PID 1, nothing inside can then reach it; {@code ptrace} is refused by the seccomp
 * filter), reads the test's setup and test code from stdin (they are never on the sandbox's filesystem), and runs
 * {@code check} with a proxy for the candidate. Its verdict goes to the sandbox's stdout, which the candidate
 * never holds; only {@code pass}, written after {@code check} returned, counts.
 *
 * <p>So the attacks that pass an in-process harness get nowhere: exiting early ({@code os._exit(0)},
 * {@code sys.exit}, exit hooks, finalizers) only ends the candidate's process and fails the call; an object with
 * an always-true {@code __eq__} is not plain data; the tests and their expected values are not anywhere the
 * candidate can read; tracing or patching the interpreter patches the candidate's interpreter, not the judge's;
 * printing a verdict prints to stderr.
 *
 * <p>The wall limit covers the whole test; each process has the test's rlimits. When the candidate ran out of CPU,
 * memory or output, that is the test's status; otherwise a failed assertion or a value that is not plain data is
 * {@code wrong}, an exception from the candidate (or its process ending mid-test) is {@code crash}, and a test that
 * cannot run (no {@code check}, a test that fails to load) is {@code error}.
 */
final class FunctionCallRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sandbox sandbox;
    private final Limits limits;

    FunctionCallRun(Sandbox sandbox, Limits limits) {
        this.sandbox = sandbox;
        this.limits = limits;
    }

    /**
     * The judge's last word: {@code pass}, {@code fail}, {@code crash}, {@code error}, or how the candidate broke.
     *
     * @param candidateExit the candidate's exit status when it ended mid-test (negative: killed by that signal)
     */
    private record Verdict(String kind, String reason, Integer candidateExit) {
        static final Verdict NONE = new Verdict("none", "the test harness ended without a verdict", null);
    }

    RunResult run(String source, String setup, String testCode, String entryPoint) {
        long t0 = System.nanoTime();
        Sandbox.Started s = null;
        try {
            s = sandbox.startPython(limits);
            Sandbox.writeSource(s.dir(), "main.py", source);
            byte[] test = ((setup == null || setup.isBlank() ? "" : setup + "\n\n") + testCode)
                    .getBytes(StandardCharsets.UTF_8);
            String stdin = "go test " + entryPoint + " " + limits.outputBytes() + "\n" + test.length + "\n"
                    + new String(test, StandardCharsets.UTF_8);
            Sandbox.Raw raw = Sandbox.execute(s.process(), stdin, limits.wallMillis(), limits.outputBytes(), t0);
            return result(verdict(raw.stdout()), raw);
        } catch (IOException e) {
            if (s != null) Sandbox.kill(s.process());
            return new RunResult(
                    RunStatus.ERROR, -1, 0, "", "", -1, Sandbox.ms(t0), false, "sandbox I/O: " + e.getMessage());
        } finally {
            if (s != null) Sandbox.deleteTree(s.dir());
        }
    }

    private RunResult result(Verdict v, Sandbox.Raw raw) {
        long wall = raw.wallMillis();
        String err = Sandbox.cap(raw.stderr(), limits.outputBytes());
        if (raw.overflow() || !raw.finished()) return Sandbox.classify(raw, limits, -1, err);
        if (v.kind().equals("pass") && raw.exitValue() == 0) {
            return new RunResult(RunStatus.OK, 0, 0, "", err, -1, wall, false, "check(candidate) returned");
        }
        return switch (v.kind()) {
            case "fail", "not_plain" -> new RunResult(RunStatus.WRONG, -1, 0, "", err, -1, wall, false, v.reason());
            case "crash", "load_error", "malformed" ->
                new RunResult(RunStatus.CRASH, -1, 0, "", err, -1, wall, false, v.reason());
            case "ended" -> ended(v, err, wall);
            default ->
                new RunResult(
                        RunStatus.ERROR,
                        raw.exitValue(),
                        0,
                        "",
                        err,
                        -1,
                        wall,
                        false,
                        "test error: " + v.reason()
                                + (v.kind().equals("none") ? " (sandbox exit " + raw.exitValue() + ")" : ""));
        };
    }

    /** The candidate's process ended mid-test: its own exit says why (the CPU limit, memory, or itself). */
    private RunResult ended(Verdict v, String err, long wall) {
        Integer exit = v.candidateExit();
        int rc = exit == null ? -1 : exit < 0 ? 128 - exit : exit;
        RunResult own = Sandbox.classify(new Sandbox.Raw(true, rc, "", err, false, wall), limits, -1, err);
        if (own.status() == RunStatus.TIMEOUT || own.status() == RunStatus.MEMORY) return own;
        return new RunResult(
                RunStatus.CRASH,
                rc,
                own.signal(),
                "",
                err,
                -1,
                wall,
                false,
                v.reason() + (exit == null ? "" : " (" + own.detail() + ")"));
    }

    /** The last line of the judge's stdout: the candidate never holds that pipe. */
    private static Verdict verdict(String stdout) {
        String t = stdout.strip();
        if (t.isEmpty()) return Verdict.NONE;
        int nl = t.lastIndexOf('\n');
        try {
            JsonNode n = JSON.readTree(nl < 0 ? t : t.substring(nl + 1));
            JsonNode exit = n.get("candidate_exit");
            return new Verdict(
                    n.path("verdict").asText("none"),
                    n.path("reason").asText(""),
                    exit != null && exit.canConvertToInt() ? exit.asInt() : null);
        } catch (IOException e) {
            return new Verdict("none", "unreadable verdict from the test harness", null);
        }
    }
}
