package dev.r1serve.server.engine.llamacpp;

import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineProvider;
import dev.r1serve.server.model.BuiltinModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code engine: llama.cpp} (the default): a GGUF file, or a built-in model, in this process. */
public final class LlamaCppProvider implements EngineProvider<LlamaCppConfig> {

    @Override
    public String kind() {
        return "llama.cpp";
    }

    @Override
    public Class<LlamaCppConfig> optionsType() {
        return LlamaCppConfig.class;
    }

    @Override
    public void validate(String modelName, LlamaCppConfig c) {
        if (c.path() == null || c.path().isBlank()) {
            throw new IllegalArgumentException(
                    "model '" + modelName + "': path is required (a GGUF file or " + BuiltinModels.STORIES_260K + ")");
        }
    }

    @Override
    public Engine open(String modelName, LlamaCppConfig c) {
        validate(modelName, c);
        boolean builtin = BuiltinModels.isBuiltin(c.path());
        Path gguf = builtin ? BuiltinModels.resolve(c.path()).orElseThrow() : Path.of(c.path());
        if (!Files.isRegularFile(gguf)) {
            throw new IllegalArgumentException("model '" + modelName + "': file not found: " + gguf
                    + " (give a GGUF file or a built-in model name: " + BuiltinModels.STORIES_260K + ")");
        }
        if (!builtin) {
            requireGguf(modelName, gguf);
        }
        int defaultContext = builtin ? BuiltinModels.STORIES_CONTEXT : LlamaCppOptions.DEFAULT_CONTEXT_LENGTH;
        LlamaCppOptions options;
        try {
            options = new LlamaCppOptions(
                    gguf,
                    c.contextLength() != null ? c.contextLength() : defaultContext,
                    c.slots() != null ? c.slots() : LlamaCppOptions.DEFAULT_SLOTS,
                    c.threads() != null ? c.threads() : LlamaCppOptions.defaultThreads());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + modelName + "': " + e.getMessage(), e);
        }
        return new LlamaCppEngine(modelName, options, builtin ? "builtin:" + c.path() : gguf.toString());
    }

    /** llama.cpp answers a file of another format with a native error and a trace; say what it is instead. */
    private static void requireGguf(String name, Path file) {
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(magic, 0, 4);
        } catch (IOException e) {
            throw new IllegalArgumentException("model '" + name + "': cannot read " + file + ": " + e.getMessage());
        }
        if (n < 4 || !new String(magic, StandardCharsets.ISO_8859_1).equals("GGUF")) {
            throw new IllegalArgumentException("model '" + name + "': not a GGUF file: " + file
                    + " (llama.cpp needs GGUF; convert safetensors with llama.cpp's convert_hf_to_gguf.py)");
        }
    }
}
