package dev.r1serve.server.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.r1serve.testkit.RealVocabModels;
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
        assumeTrue(
                root != null && Files.isRegularFile(root.resolve(name).resolve("tokenizer.json")),
                "the real tokenizers (../shared/data/tokenizers) are not on this machine");
        return root.resolve(name);
    }

    private static Path r1DistillQwenTiny;
    private static Path llama3Tiny;

    /**
     * A tiny-shaped DeepSeek-R1-Distill-Qwen GGUF (real vocabulary and template, random weights), written
     * once per test JVM.
     */
    public static synchronized Path r1DistillQwenTiny() throws IOException {
        if (r1DistillQwenTiny == null) {
            r1DistillQwenTiny = RealVocabModels.write(
                    dir("qwen3"), "qwen2", "tiny", null, true, models().resolve("r1-distill-qwen-tiny.gguf"));
            r1DistillQwenTiny.toFile().deleteOnExit();
        }
        return r1DistillQwenTiny;
    }

    /** A tiny-shaped Llama 3 GGUF with Llama 3.1's vocabulary and template, written once per test JVM. */
    public static synchronized Path llama3Tiny() throws IOException {
        if (llama3Tiny == null) {
            llama3Tiny = RealVocabModels.write(
                    dir("llama3.1"), "llama", "tiny", null, false, models().resolve("llama3-tiny.gguf"));
            llama3Tiny.toFile().deleteOnExit();
        }
        return llama3Tiny;
    }

    private static Path models() throws IOException {
        Path dir = Files.createTempDirectory("r1-real-vocab");
        dir.toFile().deleteOnExit();
        return dir;
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
