package dev.r1serve.server.engine.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which llama.cpp failures restart a sequence, and how much KV cache the engine asks for. */
class KvCacheFailureTest {

    @Test
    void llamaCppServerMessagesForAFullKvCacheAreRecognised() {
        // the message java-llama.cpp 4.2.0's server sends to every slot of a batch it could not decode
        assertTrue(LlamaCppEngine.isKvCacheFailure(new RuntimeException(
                "Input prompt is too big compared to KV size. Please try increasing KV size.")));
        assertTrue(LlamaCppEngine.isKvCacheFailure(new RuntimeException("failed to decode the batch: KV cache is full")));
        assertFalse(LlamaCppEngine.isKvCacheFailure(new RuntimeException("Compute error.")));
        assertFalse(LlamaCppEngine.isKvCacheFailure(new RuntimeException((String) null)));
    }

    @Test
    void kvCacheHasAQuarterOfHeadroom() {
        assertEquals(4 * 512 + 512, LlamaCppEngine.kvCells(new LlamaCppOptions(java.nio.file.Path.of("m.gguf"), 512, 4, 1)));
        assertEquals(1 * 512 + 256, LlamaCppEngine.kvCells(new LlamaCppOptions(java.nio.file.Path.of("m.gguf"), 512, 1, 1)));
    }
}
