package dev.r1serve.eval;

import dev.r1serve.eval.benchmark.DateWindow;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.benchmark.GraderKind;
import dev.r1serve.eval.sampling.OpenAiEndpoint;
import dev.r1serve.eval.sampling.RetryPolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What to evaluate and how. Defaults are the DeepSeek-R1 paper's protocol: temperature 0.6, top-p 0.95, 32,768
 * tokens, no system prompt, the benchmark's default k.
 *
 * @param benchmark a registered benchmark name or {@code custom}
 * @param dataPath the data file (required for GPQA, LiveCodeBench and custom; overrides the bundled copy otherwise)
 * @param customFields field mapping of a custom JSONL (null otherwise)
 * @param customGrader grader of a custom benchmark (null otherwise)
 * @param server {@code host:port} of an r1-serve server
 * @param model model name; null picks the server's first model
 * @param k samples per question; 0 means the benchmark's default
 * @param limit evaluate only the first N questions; 0 means all
 * @param seed the run seed: question i's request seed (and GPQA's shuffles) derive from it
 * @param concurrency questions in flight at once
 * @param out run directory (samples.jsonl, run.json, summary.*, report.html)
 * @param resume continue the run in {@code out}, skipping recorded samples
 * @param deadline per-request deadline
 * @param progress where the progress line goes (stderr), or null
 * @param shard the part of the benchmark to evaluate ({@link Shard#ALL} for all of it)
 * @param openai an OpenAI-compatible server to sample instead of {@code server}, or null
 * @param window the questions' release window ({@link DateWindow#ALL}: every question)
 */
public record EvalSpec(String benchmark, Path dataPath, FieldMap customFields, GraderKind customGrader, String server,
                       String model, int k, int limit, int maxTokens, float temperature, float topP, long seed,
                       int concurrency, Path out, boolean resume, Duration deadline, RetryPolicy retry,
                       PrintStream progress, Shard shard, OpenAiEndpoint openai, DateWindow window) {

    public static final float PAPER_TEMPERATURE = 0.6f;
    public static final float PAPER_TOP_P = 0.95f;
    public static final int PAPER_MAX_TOKENS = 32_768;
    public static final long DEFAULT_SEED = 0;

    public EvalSpec {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0 (0 = benchmark default)");
        if (limit < 0) throw new IllegalArgumentException("limit must be >= 0");
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1");
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
        if (seed < 0 || seed > 0xFFFF_FFFFL) throw new IllegalArgumentException("seed must be a uint32");
        if (window == null) window = DateWindow.ALL;
    }

    /** The paper's protocol for {@code benchmark} against {@code server}, writing to {@code out}. */
    public static EvalSpec of(String benchmark, String server, Path out) {
        return new EvalSpec(benchmark, null, null, null, server, null, 0, 0, PAPER_MAX_TOKENS, PAPER_TEMPERATURE,
                PAPER_TOP_P, DEFAULT_SEED, 4, out, false, Duration.ofHours(2), RetryPolicy.defaults(), System.err, Shard.ALL, null,
                DateWindow.ALL);
    }

    public EvalSpec withModel(String m) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, m, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withK(int v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, v, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withLimit(int v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, v, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withMaxTokens(int v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, v, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withSampling(float temp, float p) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temp, p, seed, concurrency, out, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withSeed(long v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, v, concurrency, out, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withConcurrency(int v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, v, out, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withResume(boolean v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, v, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withOut(Path dir) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, dir, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withData(Path path) {
        return new EvalSpec(benchmark, path, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, shard, openai, window);
    }

    /** A custom JSONL benchmark's field mapping and grader (sets the benchmark to {@code custom}). */
    public EvalSpec withCustom(Path path, FieldMap fields, GraderKind grader) {
        return new EvalSpec("custom", path, fields, grader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, shard, openai, window);
    }

    public EvalSpec withDeadline(Duration v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, v, retry, progress, shard, openai, window);
    }

    public EvalSpec withRetry(RetryPolicy v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, v, progress, shard, openai, window);
    }

    public EvalSpec withProgress(PrintStream v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, v, shard, openai, window);
    }

    /** Evaluates only this shard of the benchmark (see {@link Shard}). */
    public EvalSpec withShard(Shard v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, v, openai, window);
    }

    /** Samples the OpenAI-compatible server {@code v} instead of r1-serve's gRPC API (null: back to gRPC). */
    public EvalSpec withOpenAi(OpenAiEndpoint v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, shard, v, window);
    }

    /** Evaluates only the questions released in {@code v} (LiveCodeBench's contest dates). */
    public EvalSpec withWindow(DateWindow v) {
        return new EvalSpec(benchmark, dataPath, customFields, customGrader, server, model, k, limit, maxTokens, temperature, topP, seed, concurrency, out, resume, deadline, retry, progress, shard, openai, v);
    }
}
