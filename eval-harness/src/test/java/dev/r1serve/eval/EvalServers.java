package dev.r1serve.eval;

import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.gguf.TinyModelGenerator;
import dev.r1serve.server.gguf.TinyModelGenerator.Architecture;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.server.model.ModelRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One real r1-serve server per test JVM on a free loopback port (models are loaded once per process because
 * java-llama.cpp leaks on load/close cycles), hosting:
 * <ul>
 *   <li>{@link #R1}: a scripted Qwen2 GGUF with the DeepSeek-R1 template whose greedy continuation after the
 *       pre-filled {@code <think>\n} is {@code Let me think</think>\n\nThe answer is \boxed{42}}, for every question;
 *       so a question is correct exactly when its gold is equivalent to 42.</li>
 *   <li>{@link #STORIES}: the bundled stories260K base model (template "none": prompts go as raw text).</li>
 *   <li>{@link #CODER}: a scripted Qwen2 GGUF whose answer is a Python program printing twice the number on stdin.</li>
 * </ul>
 */
final class EvalServers {

    static final String R1 = "r1-scripted";
    static final String STORIES = "stories";
    static final String CODER = "coder";
    static final List<String> CODER_SCRIPT = List.of("<think>", "\n", "Double", " it", "</think>", "\n\n",
            "```python\nprint(int(input()) * 2)\n```");
    static final List<String> SCRIPT = List.of("<think>", "\n", "Let", " me", " think", "</think>", "\n\n",
            "The", " answer", " is", " \\boxed{42}");

    private static R1Server server;

    private EvalServers() {}

    static synchronized R1Server get() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("r1-eval-models");
                Path r1 = TinyModelGenerator.scripted(Architecture.QWEN2, SCRIPT, "<｜Assistant｜>").write(dir.resolve("r1.gguf"));
                Path coder = TinyModelGenerator.scripted(Architecture.QWEN2, CODER_SCRIPT, "<｜Assistant｜>").write(dir.resolve("coder.gguf"));
                ModelRegistry models = ModelLoader.loadAll(List.of(
                        ModelConfig.llamaCpp(R1, r1.toString(), "deepseek-r1", 512, 2, 1),
                        ModelConfig.llamaCpp(CODER, coder.toString(), "deepseek-r1", 512, 2, 1),
                        ModelConfig.llamaCpp(STORIES, BuiltinModels.STORIES_260K, null, null, 2, 1)));
                server = R1Server.onPort("127.0.0.1", 0, models, 64).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close()));
        }
        return server;
    }

    static String target() {
        return "127.0.0.1:" + get().port();
    }
}
