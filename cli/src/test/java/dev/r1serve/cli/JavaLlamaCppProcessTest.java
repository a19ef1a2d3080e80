package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.server.model.BuiltinModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** bench serve's baseline process answers its three requests over its pipes and exits on end of input. */
class JavaLlamaCppProcessTest {

    @Test
    void decodesCountsAndReportsMemoryInAChildJvm() throws Exception {
        Path gguf = BuiltinModels.resolve(BuiltinModels.STORIES_260K).orElseThrow();
        try (JavaLlamaCppProcess child = new JavaLlamaCppProcess(gguf, 256, 2, 1, 16)) {
            assertTrue(child.decode(2) > 0, "tokens/s of two streams");
            int start = child.count("Once upon a time");
            assertTrue(start > 0);
            // a backslash, an n and a newline travel as they are (Base64), and the text goes on after them
            assertTrue(child.count("Once upon a time\\n there was\na cat.") > start + 3);
            assertTrue(child.childRssKb() > 0);
        }
    }
}
