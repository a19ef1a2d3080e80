package dev.r1serve.server.security;

import io.grpc.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys a server accepts, hashed at rest. The key file has one key per line, {@code name:sha256hex},
 * where the hash is of the key's UTF-8 bytes ({@code printf %s KEY | sha256sum}); blank lines and lines
 * starting with {@code #} are ignored.
 *
 * <pre>
 * # team-a's batch jobs
 * team-a:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * </pre>
 */
public final class ApiKeys {

    /** The name of the key that authenticated the current call; absent on open servers and open services. */
    public static final Context.Key<String> CLIENT_ID = dev.r1serve.server.scheduling.ClientId.KEY;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]+");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private record Entry(String name, byte[] hash) {}

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads a key file; errors name the file and the line. */
    public static ApiKeys load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("API key file not found: " + file);
        }
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses key-file lines; {@code source} names them in errors.
     *
     * @throws IllegalArgumentException for a malformed or duplicate line, or when no key is listed
     */
    public static ApiKeys parse(List<String> lines, String source) {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (i + 1) + ": ";
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(where + "expected name:sha256hex, got a line without ':'");
            }
            String name = line.substring(0, colon).strip();
            String hex = line.substring(colon + 1).strip();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        where + "key name must be letters, digits or ._@- , got '" + name + "'");
            }
            if (!SHA256_HEX.matcher(hex).matches()) {
                // Never echo the value: it may be a plain key pasted by mistake.
                throw new IllegalArgumentException(where + "key '" + name + "' needs a SHA-256 hash of 64 hex "
                        + "digits (printf %s KEY | sha256sum), got " + hex.length() + " characters");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + "key name '" + name + "' is listed twice");
            }
            entries.add(new Entry(name, HexFormat.of().parseHex(hex.toLowerCase())));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(source + ": lists no API keys (remove the setting to run open)");
        }
        return new ApiKeys(entries);
    }

    /**
     * The name of the key {@code presented}, if it is one of ours. Compares hashes in constant time and
     * always checks every entry, so timing tells nothing about which key or how much of it matched.
     */
    public Optional<String> authenticate(String presented) {
        byte[] hash = sha256(presented);
        String found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.hash(), hash) && found == null) {
                found = e.name();
            }
        }
        return Optional.ofNullable(found);
    }

    /** Number of keys. */
    public int size() {
        return entries.size();
    }

    /** The key-file line for a key: {@code name:sha256hex}. */
    public static String line(String name, String key) {
        return name + ":" + HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
