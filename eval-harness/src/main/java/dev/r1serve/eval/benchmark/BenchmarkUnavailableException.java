package dev.r1serve.eval.benchmark;

/** A registered benchmark that cannot run in this build (e.g. code benchmarks before the code sandbox exists). */
public final class BenchmarkUnavailableException extends RuntimeException {

    public BenchmarkUnavailableException(String benchmark, String reason) {
        super("benchmark " + benchmark + " is unavailable: " + reason);
    }
}
