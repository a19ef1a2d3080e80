package dev.r1serve.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML for remote engines: {@code engine: openai|lmi} with {@code urls}, no {@code path}; httpPort. */
class RemoteModelConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsRemoteModelsAndLoadsThem() throws IOException {
        Path f = dir.resolve("r1.yaml");
        Files.writeString(f, """
                httpPort: 0
                models:
                  - name: r1-7b
                    engine: openai
                    urls: [http://127.0.0.1:1, http://127.0.0.1:2]
                    backendModel: deepseek-ai/DeepSeek-R1-Distill-Qwen-7B
                    contextLength: 16384
                    slots: 32
                    http2: true
                    idleTimeoutSeconds: 60
                    retries: 1
                  - name: r1-trt
                    engine: lmi
                    urls: [http://127.0.0.1:3]
                    template: deepseek-r1
                """);
        ServerConfig c = ServerConfig.read(f);
        assertEquals(0, c.httpPort());
        ModelConfig m = c.models().get(0);
        assertEquals(
                List.of("http://127.0.0.1:1", "http://127.0.0.1:2"), m.options().get("urls"));
        assertEquals(Boolean.TRUE, m.options().get("http2"));
        HostedModel hosted = ModelLoader.load(m);
        try {
            assertEquals("openai", hosted.kind());
            assertEquals(32, hosted.engine().slots());
            assertEquals(16384, hosted.engine().contextLength());
            assertEquals("deepseek-r1", hosted.template().id()); // guessed from the backend's model name
            assertTrue(hosted.source().startsWith("openai:http://127.0.0.1:1"));
        } finally {
            hosted.engine().close();
        }
        HostedModel lmi = ModelLoader.load(c.models().get(1));
        try {
            assertEquals("lmi", lmi.kind());
            assertEquals(0, lmi.engine().tokenize("LMI has no /tokenize").length);
        } finally {
            lmi.engine().close();
        }
    }

    @Test
    void remoteModelsNeedUrls() throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "models:\n  - name: x\n    engine: openai\n");
        IOException e = assertThrows(IOException.class, () -> ServerConfig.read(f));
        assertTrue(e.getMessage().contains("urls"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelLoader.load(
                        ModelConfig.remote("x", "openai", List.of("ftp://nope"), null, null, null, null)));
    }
}
