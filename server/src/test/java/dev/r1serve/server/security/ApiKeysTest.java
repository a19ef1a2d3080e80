package dev.r1serve.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file format: name:sha256hex lines, comments, and errors that name the file and line. */
class ApiKeysTest {

    // printf %s secret-a | sha256sum
    private static final String SECRET_A_SHA256 = "8766b9cb08e6040b704f1e3ee1e186efccf2635b1d2634d6525333007e6aeae1";

    @Test
    void lineHashesTheKeyAsSha256sumDoes() {
        assertEquals("a:" + SECRET_A_SHA256, ApiKeys.line("a", "secret-a"));
        assertEquals(
                Optional.of("a"),
                ApiKeys.parse(List.of("a:" + SECRET_A_SHA256), "t").authenticate("secret-a"));
    }

    @Test
    void loadsKeysSkippingCommentsAndBlankLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys.txt");
        Files.write(
                file,
                List.of(
                        "# clients",
                        "",
                        ApiKeys.line("team-a", "secret-a"),
                        "  ",
                        ApiKeys.line("team.b", "secret-b").toUpperCase().replace("TEAM.B", "team.b")));
        ApiKeys keys = ApiKeys.load(file);
        assertEquals(2, keys.size());
        assertEquals(Optional.of("team-a"), keys.authenticate("secret-a"));
        assertEquals(Optional.of("team.b"), keys.authenticate("secret-b"));
        assertEquals(Optional.empty(), keys.authenticate("secret-c"));
        assertEquals(Optional.empty(), keys.authenticate(""));
    }

    @Test
    void malformedLinesNameTheFileAndLine() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> ApiKeys.parse(List.of("# ok", "team-a secret"), "keys.txt"));
        assertTrue(e.getMessage().startsWith("keys.txt:2: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(List.of("team-a:secret"), "keys.txt"));
        assertTrue(e.getMessage().startsWith("keys.txt:1: key 'team-a' needs a SHA-256 hash"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), "a pasted plain key must not be echoed");
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ApiKeys.parse(List.of(ApiKeys.line("a", "x"), ApiKeys.line("a", "y")), "keys.txt"));
        assertTrue(e.getMessage().startsWith("keys.txt:2: key name 'a' is listed twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(List.of("# none"), "keys.txt"));
        assertTrue(e.getMessage().contains("lists no API keys"), e.getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        var e = assertThrows(IOException.class, () -> ApiKeys.load(dir.resolve("nope.txt")));
        assertTrue(e.getMessage().contains("nope.txt"));
    }
}
