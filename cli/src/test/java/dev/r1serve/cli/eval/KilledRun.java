package dev.r1serve.cli.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a CLI main class in another JVM (this test classpath) and SIGKILLs it once its samples file holds some
 * lines: the kill -9 half of the resume tests of {@code r1 eval} and {@code r1 distill}.
 */
public final class KilledRun {

    private KilledRun() {}

    /**
     * Starts {@code mainClass} with {@code args}, waits until {@code samples} has {@code atLeast} lines, kills the
     * process with SIGKILL and returns the lines on disk then (asserting that it was killed mid-run, before
     * {@code total}).
     */
    public static long killAfter(Class<?> mainClass, List<String> args, Path samples, int atLeast, int total, Path log)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd =
                new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long lines = 0;
        while (System.nanoTime() < deadline && p.isAlive()) {
            lines = Files.exists(samples) ? lineCount(samples) : 0;
            if (lines >= atLeast) break;
            Thread.sleep(5);
        }
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing beyond what was already written
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long recorded = lineCount(samples);
        assertTrue(lines >= atLeast, "the child recorded samples before the kill; log:\n" + Files.readString(log));
        assertTrue(recorded < total, "killed mid-run (" + recorded + " of " + total + " samples on disk)");
        assertTrue(p.exitValue() != 0, "killed, not finished");
        return recorded;
    }

    private static long lineCount(Path f) throws IOException {
        try (var s = Files.lines(f)) {
            return s.count();
        }
    }
}
