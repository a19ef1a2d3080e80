package dev.r1serve.server.engine.remote;

import java.util.List;

/**
 * The YAML settings of a model served by a remote backend (unset ones get defaults):
 *
 * <pre>
 * - name: r1-distill-qwen-7b
 *   engine: openai             # openai (vLLM, SGLang, trtllm-serve, r1-serve --http-port) | openai-chat | lmi (DJL Serving)
 *   urls: [http://gpu-0:8000, http://gpu-1:8000]   # replicas, balanced; failing ones are ejected
 *   backendModel: deepseek-ai/DeepSeek-R1-Distill-Qwen-7B   # the backend's model name (default: name)
 *   contextLength: 32768
 *   slots: 64                  # sequences in flight at once (bulkhead)
 *   apiKeyEnv: VLLM_API_KEY    # environment variable holding the backend's bearer token
 *   http2: false               # prefer HTTP/2 (h2c / ALPN)
 *   idleTimeoutSeconds: 120    # longest silence of a stream before it fails
 *   retries: 2                 # other replicas tried when a request fails before its first token
 *   tokenize: true             # the backend has vLLM's POST /tokenize (false for LMI)
 *   logprobsMode: raw_logprobs # the distribution the backend's logprobs are of (vLLM's --logprobs-mode); LMI
 *                              # models give token logprobs only when this is set
 * </pre>
 */
public record RemoteEngineConfig(
        List<String> urls,
        String backendModel,
        Integer contextLength,
        Integer slots,
        String apiKeyEnv,
        Boolean http2,
        Integer idleTimeoutSeconds,
        Integer retries,
        Boolean tokenize,
        String logprobsMode) {}
