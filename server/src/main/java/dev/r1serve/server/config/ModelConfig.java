package dev.r1serve.server.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One hosted model in the YAML configuration.
 *
 * <pre>
 * - name: r1-distill-qwen-1.5b
 *   path: /models/DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf   # or a built-in name: stories260k
 *   engine: llama.cpp          # the default
 *   template: deepseek-r1      # deepseek-r1 | qwen2.5 | llama3 | none | auto (from the file name)
 *   contextLength: 8192        # tokens per sequence
 *   slots: 4                   # sequences decoded together
 *   threads: 8                 # default: all cores
 *   defaultMaxTokens: 32768    # used when a request has no max_tokens (bounded by the context)
 *   queueCapacity: 256         # sequences that may wait for a slot; beyond: RESOURCE_EXHAUSTED
 *   defaultTimeoutSeconds: 1800 # deadline of calls that come without one
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ModelConfig(
        String name,
        String path,
        String engine,
        String template,
        Integer contextLength,
        Integer slots,
        Integer threads,
        Integer defaultMaxTokens,
        Integer queueCapacity,
        Integer defaultTimeoutSeconds) {

    public static ModelConfig of(String name, String path) {
        return new ModelConfig(name, path, null, null, null, null, null, null, null, null);
    }

    /** A llama.cpp model with the given slots and threads and defaults for the rest. */
    public static ModelConfig llamaCpp(String name, String path, String template, Integer contextLength,
                                       Integer slots, Integer threads) {
        return new ModelConfig(name, path, null, template, contextLength, slots, threads, null, null, null);
    }
}
