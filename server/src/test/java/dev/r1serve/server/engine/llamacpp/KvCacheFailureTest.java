package dev.r1serve.server.engine.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How much KV cache the engine asks for. */
class KvCacheFailureTest {

    @Test
    void kvCacheHasAQuarterOfHeadroom() {
        assertEquals(
                4 * 512 + 512, LlamaCppEngine.kvCells(new LlamaCppOptions(java.nio.file.Path.of("m.gguf"), 512, 4, 1)));
        assertEquals(
                1 * 512 + 256, LlamaCppEngine.kvCells(new LlamaCppOptions(java.nio.file.Path.of("m.gguf"), 512, 1, 1)));
    }
}
