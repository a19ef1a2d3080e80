package dev.r1serve.server.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.r1serve.server.gguf.RealVocabModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real Hugging Face tokenizers of ../shared/data/tokenizers (next to the repository; or the folder
 * named by {@code -Dr1.tokenizers}), and tiny GGUFs written with them.
 */
public final class RealTokenizers {

    private RealTokenizers() {}

    /** {@code qwen3} (the Qwen2.5 BPE) or {@code llama3.1}. */
    public static Path dir(String name) {
        String configured = System.getProperty("r1.tokenizers");
        Path root = configured != null ? Path.of(configured) : find();
        assumeTrue(root != null && Files.isRegularFile(root.resolve(name).resolve("tokenizer.json")),
                "the real tokenizers (../shared/data/tokenizers) are not on this machine");
        return root.resolve(name);
    }

    /** A tiny-shaped DeepSeek-R1-Distill-Qwen GGUF (real vocabulary and template, random weights). */
    public static Path r1DistillQwenTiny(Path dir) throws IOException {
        return RealVocabModels.write(dir("qwen3"), "qwen2", "tiny", null, true, dir.resolve("r1-distill-qwen-tiny.gguf"));
    }

    /** A tiny-shaped Llama 3 GGUF with Llama 3.1's vocabulary and template. */
    public static Path llama3Tiny(Path dir) throws IOException {
        return RealVocabModels.write(dir("llama3.1"), "llama", "tiny", null, false, dir.resolve("llama3-tiny.gguf"));
    }

    private static Path find() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("data").resolve("tokenizers");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
