package dev.r1serve.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("r1.yaml"), yaml);
    }

    @Test
    void readsModelsAndDefaults() throws IOException {
        ServerConfig c = ServerConfig.read(write("""
                port: 6000
                models:
                  - name: a
                    path: stories260k
                  - name: b
                    path: /models/b.gguf
                    template: deepseek-r1
                    slots: 2
                """));
        assertEquals(6000, c.portOrDefault());
        assertEquals(64, c.maxSamplesOrDefault());
        assertEquals(2, c.models().size());
        assertEquals(2, c.models().get(1).options().get("slots"));
    }

    @Test
    void unknownSettingsAreNamed() throws IOException {
        IOException e = assertThrows(IOException.class, () -> ServerConfig.read(write("""
                models:
                  - name: a
                    path: x
                    slotz: 3
                """)));
        assertTrue(e.getMessage().contains("slotz"), e.getMessage());
    }

    @Test
    void missingPathIsNamed() throws IOException {
        IOException e = assertThrows(IOException.class, () -> ServerConfig.read(write("""
                models:
                  - name: a
                """)));
        assertTrue(e.getMessage().contains("models[0]: model 'a': path is required"), e.getMessage());
    }

    @Test
    void emptyModelListAndMissingFileAreErrors() throws IOException {
        assertThrows(IOException.class, () -> ServerConfig.read(write("port: 1\n")));
        IOException e = assertThrows(IOException.class, () -> ServerConfig.read(dir.resolve("none.yaml")));
        assertTrue(e.getMessage().contains("none.yaml"));
    }
}
