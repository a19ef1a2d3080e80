package dev.r1serve.server.engine.llamacpp;

/**
 * The YAML settings of a llama.cpp model (unset ones get defaults):
 *
 * <pre>
 * - name: r1-distill-qwen-1.5b
 *   engine: llama.cpp          # the default
 *   path: /models/DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf   # or a built-in name: stories260k
 *   contextLength: 8192        # tokens per sequence
 *   slots: 4                   # sequences decoded together
 *   threads: 8                 # default: all cores
 * </pre>
 */
public record LlamaCppConfig(String path, Integer contextLength, Integer slots, Integer threads) {}
