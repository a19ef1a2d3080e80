package dev.r1serve.testkit;

import dev.r1serve.server.gguf.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Random-weight GGUFs in a real model's shape with its real vocabulary and chat template: what
 * {@code ./r1 gguf synth} writes, and what tests and {@code ./r1 bench serve --shape} use.
 */
public final class RealVocabModels {

    private RealVocabModels() {}

    /**
     * Writes the model.
     *
     * @param tokenizerDir a Hugging Face tokenizer folder (tokenizer.json, tokenizer_config.json)
     * @param arch {@code qwen2} or {@code llama}
     * @param shape see {@link TinyModelGenerator.Spec#named}
     * @param type weight type, or null for the shape's default
     * @param r1DistillQwen DeepSeek-R1-Distill-Qwen's added tokens and chat template over a Qwen vocabulary
     */
    public static Path write(
            Path tokenizerDir, String arch, String shape, GgmlType type, boolean r1DistillQwen, Path out)
            throws IOException {
        TinyModelGenerator.Architecture a = switch (arch) {
            case "qwen2" -> TinyModelGenerator.Architecture.QWEN2;
            case "llama" -> TinyModelGenerator.Architecture.LLAMA;
            default -> throw new IllegalArgumentException("--arch: expected qwen2 or llama, got " + arch);
        };
        if (r1DistillQwen && a != TinyModelGenerator.Architecture.QWEN2) {
            throw new IllegalArgumentException("--r1-distill: the R1 Qwen distills are --arch qwen2");
        }
        TinyModelGenerator.Spec spec = TinyModelGenerator.Spec.named(a, shape);
        if (type != null) {
            spec = spec.withWeightType(type);
        }
        // The real models' embedding rows (config.json vocab_size); tiny keeps the tokenizer's own size.
        int rows = switch (shape) {
            case "0.5b", "1.5b" -> 151_936;
            case "7b" -> 152_064;
            case "8b" -> 128_256;
            default -> 0;
        };
        HfVocabulary vocab =
                HfVocabulary.read(tokenizerDir, arch, rows, r1DistillQwen, r1DistillQwen ? r1Template() : null);
        return TinyModelGenerator.random(spec, vocab).write(out);
    }

    /** The official DeepSeek-R1-Distill chat template (bundled with the server's built-ins). */
    public static String r1Template() throws IOException {
        try (InputStream in = RealVocabModels.class.getResourceAsStream("/chat-templates/deepseek-r1.jinja")) {
            if (in == null) {
                throw new IOException("bundled /chat-templates/deepseek-r1.jinja is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
