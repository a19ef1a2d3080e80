package dev.r1serve.server.model;

import dev.r1serve.server.gguf.GgmlType;
import dev.r1serve.server.gguf.Llama2cConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Models bundled with r1-serve, usable by name with no download: {@code stories260k}, the real trained
 * TinyStories checkpoint from llama2.c, converted to GGUF on first use into the model cache
 * ({@code $R1_HOME/models}, default {@code ~/.cache/r1-serve/models}).
 */
public final class BuiltinModels {

    public static final String STORIES_260K = "stories260k";
    /** The checkpoint's max_seq_len: the model was trained on 512-token windows. */
    public static final int STORIES_CONTEXT = 512;

    private BuiltinModels() {}

    public static boolean isBuiltin(String name) {
        return STORIES_260K.equals(name);
    }

    /** The GGUF of a built-in model, converting it into the cache the first time. */
    public static Optional<Path> resolve(String name) {
        if (!isBuiltin(name)) {
            return Optional.empty();
        }
        Path gguf = cacheDir().resolve("stories260k-f32.gguf");
        if (!Files.isRegularFile(gguf)) {
            try (InputStream model = resource("stories260K.bin");
                    InputStream tok = resource("tok512.bin")) {
                Llama2cConverter.convert(model, tok, STORIES_260K, GgmlType.F32, gguf);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot convert the bundled stories260K model into " + gguf, e);
            }
        }
        return Optional.of(gguf);
    }

    /** Where converted and generated models are cached. */
    public static Path cacheDir() {
        String home = System.getenv("R1_HOME");
        Path base = home != null && !home.isBlank()
                ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "r1-serve");
        return base.resolve("models");
    }

    private static InputStream resource(String file) throws IOException {
        InputStream in = BuiltinModels.class.getResourceAsStream("/models/stories260k/" + file);
        if (in == null) {
            throw new IOException("bundled resource /models/stories260k/" + file + " is missing from the jar");
        }
        return in;
    }
}
