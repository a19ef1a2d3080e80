package dev.r1serve.server.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One hosted model in the YAML configuration.
 *
 * <pre>
 * - name: r1-distill-qwen-1.5b
 *   path: /models/DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf   # or a built-in name: stories260k
 *   engine: llama.cpp          # the default
 *   template: auto             # auto (the GGUF's own tokenizer.chat_template, else guessed from the file
 *                              # name, else plain) | deepseek-r1 | qwen2.5 | llama3 | plain | none
 *   chatTemplateFile: t.jinja  # a Hugging Face Jinja chat template file (overrides template)
 *   contextLength: 8192        # tokens per sequence
 *   slots: 4                   # sequences decoded together
 *   threads: 8                 # default: all cores
 *   defaultMaxTokens: 32768    # used when a request has no max_tokens (bounded by the context)
 *   queueCapacity: 256         # sequences that may wait for a slot; beyond: RESOURCE_EXHAUSTED
 *   defaultTimeoutSeconds: 1800 # deadline of calls that come without one
 * </pre>
 *
 * <p>A model served by a remote GPU backend (no {@code path}):
 * <pre>
 * - name: r1-distill-qwen-7b
 *   engine: openai             # openai (vLLM, SGLang, trtllm-serve, r1-serve --http-port) | lmi (DJL Serving)
 *   urls: [http://gpu-0:8000, http://gpu-1:8000]   # replicas, balanced; failing ones are ejected
 *   backendModel: deepseek-ai/DeepSeek-R1-Distill-Qwen-7B   # the backend's model name (default: name)
 *   template: deepseek-r1      # r1-serve renders chats and sends /v1/completions prompts
 *   contextLength: 32768
 *   slots: 64                  # sequences in flight at once (bulkhead)
 *   apiKeyEnv: VLLM_API_KEY    # environment variable holding the backend's bearer token
 *   http2: false               # prefer HTTP/2 (h2c / ALPN)
 *   idleTimeoutSeconds: 120    # longest silence of a stream before it fails
 *   retries: 2                 # other replicas tried when a request fails before its first token
 *   tokenize: true             # the backend has vLLM's POST /tokenize (false for LMI)
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
        Integer defaultTimeoutSeconds,
        java.util.List<String> urls,
        String backendModel,
        String apiKeyEnv,
        Boolean http2,
        Integer idleTimeoutSeconds,
        Integer retries,
        Boolean tokenize,
        String chatTemplateFile) {

    /** A model without remote-engine settings (llama.cpp). */
    public ModelConfig(String name, String path, String engine, String template, Integer contextLength,
            Integer slots, Integer threads, Integer defaultMaxTokens, Integer queueCapacity,
            Integer defaultTimeoutSeconds) {
        this(name, path, engine, template, contextLength, slots, threads, defaultMaxTokens, queueCapacity,
                defaultTimeoutSeconds, null, null, null, null, null, null, null, null);
    }

    /** A model served by a remote backend ({@code engine} "openai", "openai-chat" or "lmi") with defaults for the rest. */
    public static ModelConfig remote(String name, String engine, java.util.List<String> urls, String backendModel,
            String template, Integer contextLength, Integer slots) {
        return new ModelConfig(name, null, engine, template, contextLength, slots, null, null, null, null, urls,
                backendModel, null, null, null, null, null, null);
    }

    /** The same model with a Jinja chat template file ({@code --chat-template}). */
    public ModelConfig withChatTemplateFile(String file) {
        return new ModelConfig(name, path, engine, template, contextLength, slots, threads, defaultMaxTokens,
                queueCapacity, defaultTimeoutSeconds, urls, backendModel, apiKeyEnv, http2, idleTimeoutSeconds, retries,
                tokenize, file);
    }

    public static ModelConfig of(String name, String path) {
        return new ModelConfig(name, path, null, null, null, null, null, null, null, null);
    }

    /** A llama.cpp model with the given slots and threads and defaults for the rest. */
    public static ModelConfig llamaCpp(String name, String path, String template, Integer contextLength,
                                       Integer slots, Integer threads) {
        return new ModelConfig(name, path, null, template, contextLength, slots, threads, null, null, null);
    }

    /** Whether {@code engine} names a remote backend: openai (completions), openai-chat, lmi. */
    public static boolean isRemoteEngine(String engine) {
        return "openai".equals(engine) || "openai-chat".equals(engine) || "lmi".equals(engine);
    }
}
