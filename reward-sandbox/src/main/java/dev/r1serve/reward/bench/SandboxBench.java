package dev.r1serve.reward.bench;

import dev.r1serve.reward.sandbox.Language;
import dev.r1serve.reward.sandbox.Limits;
import dev.r1serve.reward.sandbox.RunResult;
import dev.r1serve.reward.sandbox.RunStatus;
import dev.r1serve.reward.sandbox.Sandbox;
import java.io.IOException;
import java.util.Locale;

/**
 * Isolated trivial Python runs per second against bare {@code python3 -c pass} spawns per second, one after the
 * other on one thread (alternating blocks), in the same process and run, so the ratio is the cost of the isolation alone.
 */
public final class SandboxBench {

    /** @param ratio isolated / bare (target >= 0.6) */
    public record Result(double isolatedPerSecond, double barePerSecond, double ratio, int isolatedRuns, int bareRuns) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "isolated: %.1f runs/s (%d runs)%nbare python3 -c pass: %.1f spawns/s (%d spawns)%n"
                            + "ratio isolated/bare: %.2f (target >= 0.6)",
                    isolatedPerSecond,
                    isolatedRuns,
                    barePerSecond,
                    bareRuns,
                    ratio);
        }
    }

    private SandboxBench() {}

    /** Measures with one pre-started sandbox (as {@code SandboxPool} runs them; see {@link Sandbox#prestart}). */
    public static Result run(Sandbox sandbox, double seconds) throws IOException, InterruptedException {
        if (!(seconds > 0)) throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
        sandbox.prestart(1);
        // warm-up: page cache, JIT
        for (int i = 0; i < 3; i++) {
            sandbox.run(Language.PYTHON, "pass", "", Limits.DEFAULT);
            bare(sandbox);
        }
        // Alternating blocks (isolated, bare, isolated, bare, ...) so load from other processes hits both alike;
        // each block is back-to-back runs, so the background start of the next spare competes with the
        // isolated runs it serves and not with the bare spawns.
        int rounds = 4;
        long block = (long) (seconds * 1e9 / (2 * rounds));
        long isoNanos = 0, bareNanos = 0;
        int iso = 0, bare = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < block) {
                RunResult r = sandbox.run(Language.PYTHON, "pass", "", Limits.DEFAULT);
                if (r.status() != RunStatus.OK) throw new IllegalStateException("sandboxed run failed: " + r);
                iso++;
            }
            long t1 = System.nanoTime();
            Thread.sleep(150); // let the last spare finish starting before timing the bare spawns
            long t2 = System.nanoTime();
            while (System.nanoTime() - t2 < block) {
                bare(sandbox);
                bare++;
            }
            isoNanos += t1 - t0;
            bareNanos += System.nanoTime() - t2;
        }
        double isoRate = iso / (isoNanos / 1e9);
        double bareRate = bare / (bareNanos / 1e9);
        return new Result(isoRate, bareRate, isoRate / bareRate, iso, bare);
    }

    private static void bare(Sandbox sandbox) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(sandbox.python().toString(), "-c", "pass")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) throw new IllegalStateException("python3 -c pass failed");
    }
}
