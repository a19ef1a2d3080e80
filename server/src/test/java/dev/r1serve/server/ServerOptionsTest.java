package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.server.config.ServerConfig;
import dev.r1serve.server.security.ApiKeys;
import dev.r1serve.server.security.RateLimitSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production settings of the YAML configuration, as they become {@link ServerOptions}. */
class ServerOptionsTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void configWithoutProductionSettingsGivesDefaults() throws IOException {
        ServerConfig c = ServerConfig.read(write("r1.yaml", "models: [{name: a, path: stories260k}]\n"));
        assertEquals(ServerOptions.DEFAULTS, ServerOptions.from(c));
    }

    @Test
    void readsMetricsKeysTlsAndRateLimits() throws IOException {
        Path keys = write("keys.txt", "# clients\n" + ApiKeys.line("team-a", "secret") + "\n");
        Path cert = write("server.pem", "x");
        Path key = write("server.key", "x");
        ServerConfig c = ServerConfig.read(write("r1.yaml", """
                models: [{name: a, path: stories260k}]
                metricsPort: 9464
                apiKeysFile: %s
                tls: {cert: %s, key: %s}
                rateLimit: {requestsPerSecond: 5, sequencesPerSecond: 40}
                """.formatted(keys, cert, key)));
        ServerOptions o = ServerOptions.from(c);
        assertEquals(9464, o.metricsPort());
        assertEquals(Optional.of("team-a"), o.apiKeys().authenticate("secret"));
        assertEquals(cert, o.tls().certChain());
        assertEquals(key, o.tls().privateKey());
        assertNull(o.tls().clientCa());
        assertEquals(new RateLimitSettings(5, 40), o.rateLimit());
    }

    @Test
    void badSettingsAreNamed() throws IOException {
        IOException e = assertThrows(IOException.class, () -> ServerConfig.read(write("r1.yaml", """
                models: [{name: a, path: stories260k}]
                rateLimit: {requestsPerSecond: 0}
                """)));
        assertTrue(e.getMessage().contains("rateLimit.requestsPerSecond must be >= 1"), e.getMessage());
        e = assertThrows(IOException.class, () -> ServerConfig.read(write("r1.yaml", """
                models: [{name: a, path: stories260k}]
                tls: {cert: a.pem}
                """)));
        assertTrue(e.getMessage().contains("tls needs both 'cert' and 'key'"), e.getMessage());
        Path keys = write("keys.txt", "team-a:not-a-hash\n");
        ServerConfig c = ServerConfig.read(
                write("r1.yaml", "models: [{name: a, path: stories260k}]\napiKeysFile: " + keys + "\n"));
        e = assertThrows(IOException.class, () -> ServerOptions.from(c));
        assertTrue(e.getMessage().startsWith(keys + ":1: "), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> ServerOptions.DEFAULTS.withMetricsPort(70000));
        assertTrue(bad.getMessage().startsWith("metricsPort"));
    }

    @Test
    void keepsTheOldFourArgumentConstructor() {
        ServerConfig c = new ServerConfig("h", 1, 64, List.of());
        assertNull(c.metricsPort());
        assertNull(c.rateLimit());
    }
}
