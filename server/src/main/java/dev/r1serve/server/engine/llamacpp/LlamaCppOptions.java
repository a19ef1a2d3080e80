package dev.r1serve.server.engine.llamacpp;

import java.nio.file.Path;

/**
 * Settings of the embedded llama.cpp engine for one GGUF model.
 *
 * @param contextLength tokens per sequence; llama.cpp splits its context evenly across slots, so the
 *     engine allocates {@code contextLength * slots}
 * @param slots sequences decoded together (continuous batching)
 * @param threads CPU threads for decoding
 */
public record LlamaCppOptions(Path gguf, int contextLength, int slots, int threads) {

    public static final int DEFAULT_CONTEXT_LENGTH = 4096;
    public static final int DEFAULT_SLOTS = 4;

    public LlamaCppOptions {
        if (contextLength < 16) {
            throw new IllegalArgumentException("contextLength must be >= 16, got " + contextLength);
        }
        if (slots < 1 || slots > 256) {
            throw new IllegalArgumentException("slots must be in [1, 256], got " + slots);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
