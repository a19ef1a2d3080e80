package dev.r1serve.reward.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One function-call test (HumanEval's {@code check(candidate)}, LiveCodeBench's functional tests) run so that the
 * candidate cannot fake a pass.
 *
 * <p>Two sandboxes. The <b>candidate's</b> holds only the answer's code: it loads it and then answers calls of
 * the entry point, one JSON line each, with plain data (None, bool, int, float, str, bytes, list, tuple, dict,
 * set, range; exact types, no subclasses; anything else is refused). The <b>judge's</b> holds only the test's
 * setup and test code: it runs {@code check} with a proxy whose calls this class carries to the candidate and
 * whose answers it carries back. The verdict is the judge's, and only {@code pass} after {@code check} returned
 * counts. So the attacks that pass an in-process harness get nowhere: exiting early ({@code os._exit(0)},
 * {@code sys.exit}, exit hooks, finalizers) only ends the candidate's process and fails the call; an object with
 * an always-true {@code __eq__} is not plain data; the tests and their expected values are not in the candidate's
 * sandbox to be read; tracing or patching the interpreter patches the candidate's interpreter, not the judge's.
 *
 * <p>Both sandboxes run under the test's limits; the wall limit covers the whole test. When the candidate ran out
 * of CPU, memory or output, that is the test's status; otherwise a failed assertion is {@code wrong}, an exception
 * from the candidate (or its process ending mid-test) is {@code crash}, and a test that cannot run (no
 * {@code check}, a test that fails to load) is {@code error}.
 */
final class FunctionCallRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sandbox sandbox;
    private final Limits limits;

    FunctionCallRun(Sandbox sandbox, Limits limits) {
        this.sandbox = sandbox;
        this.limits = limits;
    }

    /** The judge's last word: {@code pass}, {@code fail}, {@code crash}, {@code error}, or how the candidate broke. */
    private record Verdict(String kind, String reason) {
        static final Verdict NONE = new Verdict("none", "the test harness ended without a verdict");
    }

    RunResult run(String source, String setup, String testCode, String entryPoint) {
        long t0 = System.nanoTime();
        Sandbox.Started candidate = null, judge = null;
        try {
            candidate = sandbox.startPython(limits);
            judge = sandbox.startPython(limits);
            Sandbox.writeSource(candidate.dir(), "main.py", source);
            Sandbox.writeSource(judge.dir(), "test.py", (setup == null || setup.isBlank() ? "" : setup + "\n\n") + testCode);
            Process c = candidate.process(), j = judge.process();
            AtomicBoolean overflow = new AtomicBoolean();
            Sandbox.Capture candidateErr = new Sandbox.Capture(c.getErrorStream(), limits.outputBytes(), overflow, c);
            Sandbox.Capture judgeErr = new Sandbox.Capture(j.getErrorStream(), limits.outputBytes(), new AtomicBoolean(), j);
            OutputStream toCandidate = c.getOutputStream(), toJudge = j.getOutputStream();
            toCandidate.write(("go serve " + entryPoint + "\n").getBytes(StandardCharsets.US_ASCII));
            toCandidate.flush();
            toJudge.write(("go judge " + entryPoint + "\n").getBytes(StandardCharsets.US_ASCII));
            toJudge.flush();
            Future<Verdict> relay = Sandbox.PIPES.submit(() -> relay(j, c, toJudge, toCandidate, overflow));
            Verdict verdict;
            boolean timedOut = false;
            try {
                verdict = relay.get(limits.wallMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                timedOut = true;
                verdict = Verdict.NONE;
            } catch (ExecutionException e) {
                verdict = new Verdict("none", "relay failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                verdict = new Verdict("none", "interrupted");
            }
            // The test is over: the candidate's stdin closes (its serve loop then exits), nothing more is read.
            closeQuietly(toCandidate);
            boolean candidateExited = waitFor(c, timedOut ? 0 : 1_000);
            if (!candidateExited) Sandbox.kill(c);
            if (!waitFor(j, timedOut ? 0 : 1_000)) Sandbox.kill(j);
            relay.cancel(true);
            Sandbox.awaitExit(c);
            Sandbox.awaitExit(j);
            String err = candidateErr.text(limits.outputBytes());
            String judgeLog = judgeErr.text(4_000);
            int rc = candidateExited ? c.exitValue() : -1;
            Sandbox.Raw raw = new Sandbox.Raw(candidateExited && !overflow.get() && !timedOut, rc, "", err,
                    overflow.get(), Sandbox.ms(t0));
            return verdictResult(verdict, raw, timedOut, judgeLog, j.isAlive() ? -1 : j.exitValue());
        } catch (IOException e) {
            if (candidate != null) Sandbox.kill(candidate.process());
            if (judge != null) Sandbox.kill(judge.process());
            return new RunResult(RunStatus.ERROR, -1, 0, "", "", -1, Sandbox.ms(t0), false, "sandbox I/O: " + e.getMessage());
        } finally {
            if (candidate != null) Sandbox.deleteTree(candidate.dir());
            if (judge != null) Sandbox.deleteTree(judge.dir());
        }
    }

    private RunResult verdictResult(Verdict v, Sandbox.Raw candidate, boolean timedOut, String judgeLog, int judgeExit) {
        long wall = candidate.wallMillis();
        if (v.kind().equals("pass") && judgeExit == 0 && !timedOut) {
            return new RunResult(RunStatus.OK, 0, 0, "", candidate.stderr(), -1, wall, false, "check(candidate) returned");
        }
        if (timedOut) {
            return new RunResult(RunStatus.TIMEOUT, -1, 9, "", candidate.stderr(), -1, wall, false,
                    "wall-clock limit of " + limits.wallMillis() + " ms passed; both sandboxes killed");
        }
        if (v.kind().equals("error") || v.kind().equals("none")) {
            return new RunResult(RunStatus.ERROR, -1, 0, "", candidate.stderr(), -1, wall, false,
                    "test error: " + v.reason() + (v.kind().equals("none") && !judgeLog.isBlank() ? " (" + lastLine(judgeLog) + ")" : ""));
        }
        // the candidate's own end, when it ran out of something, says more than the judge's view of it
        RunResult own = Sandbox.classify(candidate, limits, -1, candidate.stderr());
        if (own.status() == RunStatus.TIMEOUT || own.status() == RunStatus.MEMORY || own.status() == RunStatus.OUTPUT_LIMIT) {
            return own;
        }
        if (v.kind().equals("fail")) {
            return new RunResult(RunStatus.WRONG, -1, 0, "", candidate.stderr(), -1, wall, false, v.reason());
        }
        if (v.kind().equals("not_plain")) {
            return new RunResult(RunStatus.WRONG, -1, 0, "", candidate.stderr(), -1, wall, false, v.reason());
        }
        String why = v.kind().equals("ended") && candidate.finished()
                ? v.reason() + " (" + own.detail() + ")" : v.reason();
        return new RunResult(RunStatus.CRASH, own.exitCode(), own.signal(), "", candidate.stderr(), -1, wall, false, why);
    }

    /**
     * Carries the judge's calls to the candidate and the answers back, one line each way, until the judge's
     * verdict (the only JSON object it writes; calls are arrays). A candidate that ends mid-test gets the judge's
     * stdin closed, so the judge sees the call fail and says so.
     */
    private Verdict relay(Process judge, Process candidate, OutputStream toJudge, OutputStream toCandidate,
            AtomicBoolean overflow) throws IOException {
        LineReader fromJudge = new LineReader(judge.getInputStream(), limits.outputBytes());
        LineReader fromCandidate = new LineReader(candidate.getInputStream(), limits.outputBytes());
        boolean candidateGone = false;
        while (true) {
            byte[] line = fromJudge.next();
            if (line == null) return Verdict.NONE;
            if (line.length > 0 && line[0] == '{') return verdict(line);
            byte[] answer = null;
            if (!candidateGone) {
                try {
                    toCandidate.write(line);
                    toCandidate.write('\n');
                    toCandidate.flush();
                    answer = fromCandidate.next();
                } catch (IOException e) {
                    answer = null;
                }
                if (fromCandidate.overflowed()) {
                    overflow.set(true);
                    Sandbox.kill(candidate);
                }
            }
            if (answer == null) {
                candidateGone = true;
                closeQuietly(toJudge); // the judge's pending call fails: "the candidate's process ended"
                continue;
            }
            toJudge.write(answer);
            toJudge.write('\n');
            toJudge.flush();
        }
    }

    private static Verdict verdict(byte[] line) {
        try {
            JsonNode n = JSON.readTree(line);
            return new Verdict(n.path("verdict").asText("none"), n.path("reason").asText(""));
        } catch (IOException e) {
            return new Verdict("none", "unreadable verdict from the test harness");
        }
    }

    private static boolean waitFor(Process p, long ms) {
        try {
            return p.waitFor(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            // the process is gone already
        }
    }

    private static String lastLine(String s) {
        String t = s.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }

    /** Newline-delimited lines of at most {@code cap} bytes in total: past that, no more lines. */
    private static final class LineReader {
        private final InputStream in;
        private final int cap;
        private final byte[] buf = new byte[8192];
        private int pos, end;
        private long total;
        private boolean overflowed;

        LineReader(InputStream in, int cap) {
            this.in = in;
            this.cap = cap;
        }

        boolean overflowed() { return overflowed; }

        /** The next line without its newline; null at EOF, on an unfinished last line, or past the cap. */
        byte[] next() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                if (pos == end) {
                    end = in.read(buf);
                    pos = 0;
                    if (end < 0) {
                        end = 0;
                        return null;
                    }
                }
                int start = pos;
                while (pos < end && buf[pos] != '\n') pos++;
                total += pos - start;
                if (total > cap) {
                    overflowed = true;
                    return null;
                }
                line.write(buf, start, pos - start);
                if (pos < end) {
                    pos++;
                    return line.toByteArray();
                }
            }
        }
    }
}
