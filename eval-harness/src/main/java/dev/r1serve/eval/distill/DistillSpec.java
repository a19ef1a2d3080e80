package dev.r1serve.eval.distill;

import dev.r1serve.eval.Shard;
import dev.r1serve.eval.sampling.OpenAiEndpoint;
import dev.r1serve.eval.sampling.RetryPolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code r1 distill} does; build with {@link #builder(String, Path)}. Sampling defaults follow the paper
 * (temperature 0.6, top-p 0.95); the prompts come from {@code data} (a prompt JSONL file, see {@link PromptSets})
 * or a registered {@code benchmark}. With {@code openai} set the responses come from that OpenAI-compatible server
 * instead of {@code server} (a judge model then needs {@code judgeServer}, an r1-serve server).
 */
public record DistillSpec(
        Path data,
        String benchmark,
        Path benchmarkData,
        String server,
        String model,
        int k,
        KeepPolicy keep,
        int maxTokens,
        float temperature,
        float topP,
        long seed,
        int limit,
        Shard shard,
        FilterConfig filters,
        String judgeModel,
        String judgeServer,
        int judgeMaxTokens,
        int concurrency,
        Path out,
        boolean resume,
        Duration deadline,
        RetryPolicy retry,
        PrintStream progress,
        OpenAiEndpoint openai) {

    public DistillSpec {
        if ((data == null) == (benchmark == null))
            throw new IllegalArgumentException("give exactly one of --data and --benchmark");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(out, "out");
        if (k < 1 || k > 64) throw new IllegalArgumentException("--k must be in 1..64, got " + k);
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
        if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be >= 1, got " + concurrency);
        if (limit < 0) throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
        if (judgeMaxTokens < 1)
            throw new IllegalArgumentException("--judge-max-tokens must be >= 1, got " + judgeMaxTokens);
    }

    public static Builder builder(String server, Path out) {
        return new Builder(server, out);
    }

    public Builder toBuilder() {
        Builder b = new Builder(server, out);
        b.data = data;
        b.benchmark = benchmark;
        b.benchmarkData = benchmarkData;
        b.model = model;
        b.k = k;
        b.keep = keep;
        b.maxTokens = maxTokens;
        b.temperature = temperature;
        b.topP = topP;
        b.seed = seed;
        b.limit = limit;
        b.shard = shard;
        b.filters = filters;
        b.judgeModel = judgeModel;
        b.judgeMaxTokens = judgeMaxTokens;
        b.judgeServer = judgeServer;
        b.concurrency = concurrency;
        b.resume = resume;
        b.deadline = deadline;
        b.retry = retry;
        b.progress = progress;
        b.openai = openai;
        return b;
    }

    /** Builder with the defaults: k 4, keep all, 32768 tokens, temperature 0.6, top-p 0.95, default filters. */
    public static final class Builder {
        private final String server;
        private Path out;
        private Path data, benchmarkData;
        private String benchmark, model, judgeModel, judgeServer;
        private int k = 4, maxTokens = 32768, limit, judgeMaxTokens = 1024, concurrency = 8;
        private KeepPolicy keep = KeepPolicy.ALL;
        private float temperature = 0.6f, topP = 0.95f;
        private long seed;
        private Shard shard = Shard.ALL;
        private FilterConfig filters = FilterConfig.DEFAULT;
        private boolean resume;
        private Duration deadline = Duration.ofHours(2);
        private RetryPolicy retry = RetryPolicy.defaults();
        private PrintStream progress = System.err;
        private OpenAiEndpoint openai;

        private Builder(String server, Path out) {
            this.server = server;
            this.out = out;
        }

        public Builder data(Path v) {
            data = v;
            return this;
        }

        public Builder benchmark(String name, Path dataPath) {
            benchmark = name;
            benchmarkData = dataPath;
            return this;
        }

        public Builder model(String v) {
            model = v;
            return this;
        }

        public Builder k(int v) {
            k = v;
            return this;
        }

        public Builder keep(KeepPolicy v) {
            keep = v;
            return this;
        }

        public Builder maxTokens(int v) {
            maxTokens = v;
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

        public Builder limit(int v) {
            limit = v;
            return this;
        }

        public Builder shard(Shard v) {
            shard = v;
            return this;
        }

        public Builder filters(FilterConfig v) {
            filters = v;
            return this;
        }

        public Builder judge(String model, int maxTokens) {
            judgeModel = model;
            judgeMaxTokens = maxTokens;
            return this;
        }
        /** Where the judge model is served, when not on {@code server}. */
        public Builder judgeServer(String v) {
            judgeServer = v;
            return this;
        }

        public Builder concurrency(int v) {
            concurrency = v;
            return this;
        }

        public Builder out(Path v) {
            out = v;
            return this;
        }

        public Builder resume(boolean v) {
            resume = v;
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
        /** Sample this OpenAI-compatible server instead of {@code server} (null: r1-serve's gRPC API). */
        public Builder openai(OpenAiEndpoint v) {
            openai = v;
            return this;
        }

        public DistillSpec build() {
            return new DistillSpec(
                    data,
                    benchmark,
                    benchmarkData,
                    server,
                    model,
                    k,
                    keep,
                    maxTokens,
                    temperature,
                    topP,
                    seed,
                    limit,
                    shard,
                    filters,
                    judgeModel,
                    judgeServer,
                    judgeMaxTokens,
                    concurrency,
                    out,
                    resume,
                    deadline,
                    retry,
                    progress,
                    openai);
        }
    }
}
