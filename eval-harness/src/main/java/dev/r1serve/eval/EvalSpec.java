package dev.r1serve.eval;

import dev.r1serve.eval.benchmark.DateWindow;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.sampling.OpenAiEndpoint;
import dev.r1serve.eval.sampling.RetryPolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What to evaluate and how. Defaults are the DeepSeek-R1 paper's protocol: temperature 0.6, top-p 0.95, 32,768
 * tokens, no system prompt, the benchmark's default k. Build with {@link #builder(String, String, Path)}.
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
 * @param maxThinkingTokens the reasoning budget per sample (the server closes the reasoning there and the model
 *     answers), 0 for none
 */
public record EvalSpec(
        String benchmark,
        Path dataPath,
        FieldMap customFields,
        TaskKind customGrader,
        String server,
        String model,
        int k,
        int limit,
        int maxTokens,
        float temperature,
        float topP,
        long seed,
        int concurrency,
        Path out,
        boolean resume,
        Duration deadline,
        RetryPolicy retry,
        PrintStream progress,
        Shard shard,
        OpenAiEndpoint openai,
        DateWindow window,
        int maxThinkingTokens) {

    public static final float PAPER_TEMPERATURE = 0.6f;
    public static final float PAPER_TOP_P = 0.95f;
    public static final int PAPER_MAX_TOKENS = 32_768;
    public static final long DEFAULT_SEED = 0;

    public EvalSpec {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0 (0 = benchmark default)");
        if (limit < 0) throw new IllegalArgumentException("limit must be >= 0");
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1");
        if (maxThinkingTokens < 0)
            throw new IllegalArgumentException("max thinking tokens must be >= 0 (0 = no budget)");
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
        if (seed < 0 || seed > 0xFFFF_FFFFL) throw new IllegalArgumentException("seed must be a uint32");
        if (window == null) window = DateWindow.ALL;
    }

    /** The paper's protocol for {@code benchmark} against {@code server}, writing to {@code out}. */
    public static EvalSpec of(String benchmark, String server, Path out) {
        return builder(benchmark, server, out).build();
    }

    /** A builder with the paper's protocol for {@code benchmark} against {@code server}, writing to {@code out}. */
    public static Builder builder(String benchmark, String server, Path out) {
        return new Builder(benchmark, server, out);
    }

    public Builder toBuilder() {
        Builder b = new Builder(benchmark, server, out);
        b.dataPath = dataPath;
        b.customFields = customFields;
        b.customGrader = customGrader;
        b.model = model;
        b.k = k;
        b.limit = limit;
        b.maxTokens = maxTokens;
        b.maxThinkingTokens = maxThinkingTokens;
        b.temperature = temperature;
        b.topP = topP;
        b.seed = seed;
        b.concurrency = concurrency;
        b.resume = resume;
        b.deadline = deadline;
        b.retry = retry;
        b.progress = progress;
        b.shard = shard;
        b.openai = openai;
        b.window = window;
        return b;
    }

    // Single changes of a spec, as in {@code EvalSpec.of(...).withK(4).withLimit(10)}.
    public EvalSpec withModel(String v) {
        return toBuilder().model(v).build();
    }

    public EvalSpec withK(int v) {
        return toBuilder().k(v).build();
    }

    public EvalSpec withLimit(int v) {
        return toBuilder().limit(v).build();
    }

    public EvalSpec withMaxTokens(int v) {
        return toBuilder().maxTokens(v).build();
    }

    public EvalSpec withSampling(float temp, float p) {
        return toBuilder().sampling(temp, p).build();
    }

    public EvalSpec withSeed(long v) {
        return toBuilder().seed(v).build();
    }

    public EvalSpec withConcurrency(int v) {
        return toBuilder().concurrency(v).build();
    }

    public EvalSpec withResume(boolean v) {
        return toBuilder().resume(v).build();
    }

    public EvalSpec withOut(Path v) {
        return toBuilder().out(v).build();
    }

    public EvalSpec withData(Path v) {
        return toBuilder().data(v).build();
    }

    public EvalSpec withCustom(Path path, FieldMap fields, TaskKind grader) {
        return toBuilder().custom(path, fields, grader).build();
    }

    public EvalSpec withDeadline(Duration v) {
        return toBuilder().deadline(v).build();
    }

    public EvalSpec withRetry(RetryPolicy v) {
        return toBuilder().retry(v).build();
    }

    public EvalSpec withProgress(PrintStream v) {
        return toBuilder().progress(v).build();
    }

    public EvalSpec withShard(Shard v) {
        return toBuilder().shard(v).build();
    }

    public EvalSpec withOpenAi(OpenAiEndpoint v) {
        return toBuilder().openai(v).build();
    }

    public EvalSpec withWindow(DateWindow v) {
        return toBuilder().window(v).build();
    }

    /** Builder with the paper's protocol: the benchmark's k, 32768 tokens, temperature 0.6, top-p 0.95, seed 0. */
    public static final class Builder {
        private String benchmark;
        private final String server;
        private Path out, dataPath;
        private FieldMap customFields;
        private TaskKind customGrader;
        private String model;
        private int k, limit, maxTokens = PAPER_MAX_TOKENS, maxThinkingTokens, concurrency = 4;
        private float temperature = PAPER_TEMPERATURE, topP = PAPER_TOP_P;
        private long seed = DEFAULT_SEED;
        private boolean resume;
        private Duration deadline = Duration.ofHours(2);
        private RetryPolicy retry = RetryPolicy.defaults();
        private PrintStream progress = System.err;
        private Shard shard = Shard.ALL;
        private OpenAiEndpoint openai;
        private DateWindow window = DateWindow.ALL;

        private Builder(String benchmark, String server, Path out) {
            this.benchmark = benchmark;
            this.server = server;
            this.out = out;
        }

        public Builder model(String v) {
            model = v;
            return this;
        }
        /** Samples per question; 0 means the benchmark's default. */
        public Builder k(int v) {
            k = v;
            return this;
        }

        public Builder limit(int v) {
            limit = v;
            return this;
        }

        public Builder maxTokens(int v) {
            maxTokens = v;
            return this;
        }
        /** A reasoning budget per sample (SamplingParams.max_thinking_tokens); 0: none. */
        public Builder maxThinkingTokens(int v) {
            maxThinkingTokens = v;
            return this;
        }

        public Builder sampling(float temp, float p) {
            temperature = temp;
            topP = p;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder concurrency(int v) {
            concurrency = v;
            return this;
        }

        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        public Builder out(Path v) {
            out = v;
            return this;
        }

        public Builder data(Path v) {
            dataPath = v;
            return this;
        }
        /** A custom JSONL benchmark's field mapping and grader (sets the benchmark to {@code custom}). */
        public Builder custom(Path path, FieldMap fields, TaskKind grader) {
            benchmark = "custom";
            dataPath = path;
            customFields = fields;
            customGrader = grader;
            return this;
        }

        public Builder deadline(Duration v) {
            deadline = v;
            return this;
        }

        public Builder retry(RetryPolicy v) {
            retry = v;
            return this;
        }

        public Builder progress(PrintStream v) {
            progress = v;
            return this;
        }
        /** Evaluates only this shard of the benchmark (see {@link Shard}). */
        public Builder shard(Shard v) {
            shard = v;
            return this;
        }
        /** Samples the OpenAI-compatible server {@code v} instead of r1-serve's gRPC API (null: back to gRPC). */
        public Builder openai(OpenAiEndpoint v) {
            openai = v;
            return this;
        }
        /** Evaluates only the questions released in {@code v} (LiveCodeBench's contest dates). */
        public Builder window(DateWindow v) {
            window = v;
            return this;
        }

        public EvalSpec build() {
            return new EvalSpec(
                    benchmark,
                    dataPath,
                    customFields,
                    customGrader,
                    server,
                    model,
                    k,
                    limit,
                    maxTokens,
                    temperature,
                    topP,
                    seed,
                    concurrency,
                    out,
                    resume,
                    deadline,
                    retry,
                    progress,
                    shard,
                    openai,
                    window,
                    maxThinkingTokens);
        }
    }
}
