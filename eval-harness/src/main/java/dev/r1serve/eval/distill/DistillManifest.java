package dev.r1serve.eval.distill;

import dev.r1serve.eval.Shard;

/**
 * A distillation's {@code run.json}: everything that decides its samples and outputs, so {@code --resume} refuses
 * a run recorded with other settings and {@code merge} refuses shards of different runs.
 *
 * @param source the prompt file, or {@code benchmark:NAME}
 * @param benchmarkData a benchmark's data file when given, else null
 * @param sourceSha256 SHA-256 of the prompt data
 * @param prompts prompts in this run (this shard's)
 * @param shard {@code i/N}, null for a whole run
 */
public record DistillManifest(
        String source,
        String benchmarkData,
        String sourceSha256,
        int prompts,
        int limit,
        String shard,
        String model,
        String template,
        int k,
        String keep,
        float temperature,
        float topP,
        int maxTokens,
        long seed,
        FilterConfig filters,
        String judgeModel,
        int judgeMaxTokens) {

    public Shard shardOrAll() {
        return shard == null ? Shard.ALL : Shard.parse(shard);
    }

    /** The same run as a whole (what merged shards record). */
    public DistillManifest asWhole(int allPrompts) {
        return new DistillManifest(
                source,
                benchmarkData,
                sourceSha256,
                allPrompts,
                limit,
                null,
                model,
                template,
                k,
                keep,
                temperature,
                topP,
                maxTokens,
                seed,
                filters,
                judgeModel,
                judgeMaxTokens);
    }
}
