package dev.r1serve.eval;

import dev.r1serve.server.R1Server;
import dev.r1serve.server.ServerOptions;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.testkit.TinyModelGenerator;
import dev.r1serve.testkit.TinyModelGenerator.Architecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One real r1-serve server per test JVM on a free loopback port, for the eval and distill tests (models are loaded
 * once per process because java-llama.cpp leaks on load/close cycles). It hosts the bundled stories260K base model
 * ({@link #STORIES}, template "none": prompts go as raw text) and scripted Qwen2 GGUFs with the DeepSeek-R1
 * template. Each scripted model continues the pre-filled {@code <think>\n} with its script for every prompt, at
 * the paper's temperature too (the scripted logit margin is 40), so tests know each response in advance.
 */
public final class EvalServers {

    /** "Let me think" then "The answer is \boxed{42}": a question is correct exactly when its gold is 42. */
    public static final String R1 = "r1-scripted";

    public static final String STORIES = "stories";
    /** Reasons briefly, then a Python program that prints twice the number on stdin. */
    public static final String CODER = "coder";
    /** A fenced code block inside the reasoning, then \boxed{42}. */
    public static final String FENCE = "fence";
    /** An empty think block, then \boxed{42}. */
    public static final String BLUNT = "blunt";
    /** Reasoning half English, half Chinese ("Let me 想一下"), then \boxed{42}. */
    public static final String MIXED = "mixed";
    /** A judge that always replies CORRECT. */
    public static final String JUDGE = "judge";
    /** Reasons with commas, then answers "*Kyoto* and *Nara* plus *Osaka*" (no comma, three highlights). */
    public static final String IFEVAL = "ifeval";

    static final Map<String, List<String>> SCRIPTS = new LinkedHashMap<>();

    static {
        SCRIPTS.put(
                R1,
                List.of(
                        "<think>",
                        "\n",
                        "Let",
                        " me",
                        " think",
                        "</think>",
                        "\n\n",
                        "The",
                        " answer",
                        " is",
                        " \\boxed{42}"));
        SCRIPTS.put(
                CODER,
                List.of(
                        "<think>",
                        "\n",
                        "Double",
                        " it",
                        "</think>",
                        "\n\n",
                        "```python\nprint(int(input()) * 2)\n```"));
        SCRIPTS.put(
                FENCE,
                List.of(
                        "<think>",
                        "\n",
                        "Try",
                        " this",
                        "\n```python\nprint(6 * 7)\n```\n",
                        "</think>",
                        "\n\n",
                        "The",
                        " answer",
                        " is",
                        " \\boxed{42}"));
        SCRIPTS.put(BLUNT, List.of("<think>", "\n", "</think>", "\n\n", "The", " answer", " is", " \\boxed{42}"));
        SCRIPTS.put(
                MIXED,
                List.of(
                        "<think>",
                        "\n",
                        "Let",
                        " me",
                        " 想",
                        "一下",
                        "</think>",
                        "\n\n",
                        "The",
                        " answer",
                        " is",
                        " \\boxed{42}"));
        SCRIPTS.put(JUDGE, List.of("<think>", "\n", "Compare", "</think>", "\n\n", "CORRECT"));
        SCRIPTS.put(
                IFEVAL,
                List.of(
                        "<think>",
                        "\n",
                        "Hmm,",
                        " commas,",
                        " here",
                        "</think>",
                        "\n\n",
                        "*Kyoto*",
                        " and",
                        " *Nara*",
                        " plus",
                        " *Osaka*"));
    }

    private static R1Server server;

    private EvalServers() {}

    public static synchronized R1Server get() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("r1-eval-models");
                List<ModelConfig> models = new ArrayList<>();
                for (var e : SCRIPTS.entrySet()) {
                    Path f = TinyModelGenerator.scripted(Architecture.QWEN2, e.getValue(), "<｜Assistant｜>")
                            .write(dir.resolve(e.getKey() + ".gguf"));
                    models.add(ModelConfig.llamaCpp(e.getKey(), f.toString(), "deepseek-r1", 512, 2, 1));
                }
                models.add(ModelConfig.llamaCpp(STORIES, BuiltinModels.STORIES_260K, null, null, 2, 1));
                ModelRegistry registry = ModelLoader.loadAll(models);
                // also the OpenAI-compatible HTTP front, which --openai-url runs are tested against
                server = R1Server.onPort("127.0.0.1", 0, registry, 64, ServerOptions.DEFAULTS.withHttpPort(0))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close()));
        }
        return server;
    }

    /** The base URL of the server's OpenAI-compatible front. */
    public static String openAiUrl() {
        return "http://127.0.0.1:" + get().httpPort() + "/v1";
    }

    public static String target() {
        return "127.0.0.1:" + get().port();
    }
}
