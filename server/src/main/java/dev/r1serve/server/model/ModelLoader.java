package dev.r1serve.server.model;

import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.llamacpp.LlamaCppEngine;
import dev.r1serve.server.engine.llamacpp.LlamaCppOptions;
import dev.r1serve.server.scheduling.Scheduler;
import dev.r1serve.server.scheduling.SchedulerConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;

/** Turns model configurations into hosted models with running engines. */
public final class ModelLoader {

    public static final int DEFAULT_MAX_TOKENS = 32768;

    private ModelLoader() {}

    /** Loads every model; on failure closes those already loaded and rethrows. */
    public static ModelRegistry loadAll(List<ModelConfig> configs) {
        ModelRegistry registry = new ModelRegistry();
        try {
            for (ModelConfig c : configs) {
                registry.add(load(c));
            }
            return registry;
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    public static HostedModel load(ModelConfig c) {
        String engineKind = c.engine() == null ? "llama.cpp" : c.engine();
        if (ModelConfig.isRemoteEngine(engineKind)) {
            return RemoteModels.load(c);
        }
        if (!engineKind.equals("llama.cpp")) {
            throw new IllegalArgumentException("model '" + c.name() + "': unknown engine '" + engineKind
                    + "' (expected llama.cpp, openai, openai-chat or lmi)");
        }
        boolean builtin = BuiltinModels.isBuiltin(c.path());
        Path gguf = builtin ? BuiltinModels.resolve(c.path()).orElseThrow() : Path.of(c.path());
        if (!Files.isRegularFile(gguf)) {
            throw new IllegalArgumentException("model '" + c.name() + "': file not found: " + gguf
                    + " (give a GGUF file or a built-in model name: " + BuiltinModels.STORIES_260K + ")");
        }
        if (!builtin) {
            requireGguf(c.name(), gguf);
        }
        int defaultContext = builtin ? BuiltinModels.STORIES_CONTEXT : LlamaCppOptions.DEFAULT_CONTEXT_LENGTH;
        LlamaCppOptions options = new LlamaCppOptions(gguf,
                c.contextLength() != null ? c.contextLength() : defaultContext,
                c.slots() != null ? c.slots() : LlamaCppOptions.DEFAULT_SLOTS,
                c.threads() != null ? c.threads() : LlamaCppOptions.defaultThreads());
        int defaultMaxTokens = defaultMaxTokens(c);
        SchedulerConfig scheduling = scheduling(c);
        Engine engine = new LlamaCppEngine(c.name(), options);
        ChatTemplate template;
        try {
            template = template(c, engine, gguf.getFileName().toString());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return new HostedModel(c.name(), engine, template, builtin ? "builtin:" + c.path() : gguf.toString(),
                defaultMaxTokens, new Scheduler(engine, scheduling));
    }

    /** llama.cpp answers a file of another format with a native error and a trace; say what it is instead. */
    private static void requireGguf(String name, Path file) {
        byte[] magic = new byte[4];
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(magic, 0, 4);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("model '" + name + "': cannot read " + file + ": " + e.getMessage());
        }
        if (n < 4 || !new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1).equals("GGUF")) {
            throw new IllegalArgumentException("model '" + name + "': not a GGUF file: " + file
                    + " (llama.cpp needs GGUF; convert safetensors with llama.cpp's convert_hf_to_gguf.py)");
        }
    }

    /**
     * The chat template of a llama.cpp model: a {@code chatTemplateFile}; else for {@code auto} (the
     * default) the GGUF's own {@code tokenizer.chat_template}, else the built-in guessed from the file name,
     * else {@link ChatTemplate#PLAIN}; else the named built-in. Jinja templates get the model's BOS/EOS.
     */
    static ChatTemplate template(ModelConfig c, Engine engine, String fileName) {
        ChatTemplate t;
        if (c.chatTemplateFile() != null) {
            Path file = Path.of(c.chatTemplateFile());
            try {
                t = ChatTemplate.fromJinja(file.getFileName().toString(), Files.readString(file), "", "");
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("model '" + c.name() + "': chatTemplateFile: cannot read " + file
                        + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model '" + c.name() + "': chatTemplateFile: " + file
                        + " is not a usable Jinja chat template: " + e.getMessage());
            }
        } else if (c.template() == null || c.template().equals("auto")) {
            t = ownTemplate(c, engine).orElseGet(() -> {
                ChatTemplate guessed = ChatTemplate.guessFromName(fileName);
                return guessed == ChatTemplate.NONE ? ChatTemplate.PLAIN : guessed;
            });
        } else {
            try {
                t = ChatTemplate.byId(c.template());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model '" + c.name() + "': template: " + e.getMessage());
            }
        }
        return t.withSpecialTokens(engine.bosToken(), engine.eosToken());
    }

    private static java.util.Optional<ChatTemplate> ownTemplate(ModelConfig c, Engine engine) {
        return engine.chatTemplate().flatMap(source -> {
            try {
                return java.util.Optional.of(ChatTemplate.fromJinja("gguf", source, "", ""));
            } catch (IllegalArgumentException e) {
                // A template Jinjava cannot run (e.g. Python slices): serve with the guessed built-in instead.
                LOG.warning("model '" + c.name() + "': its tokenizer.chat_template cannot be rendered ("
                        + e.getMessage() + "); using the built-in template guessed from its name");
                return java.util.Optional.empty();
            }
        });
    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ModelLoader.class.getName());

    static int defaultMaxTokens(ModelConfig c) {
        int defaultMaxTokens = c.defaultMaxTokens() != null ? c.defaultMaxTokens() : DEFAULT_MAX_TOKENS;
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("model '" + c.name() + "': defaultMaxTokens must be >= 1");
        }
        return defaultMaxTokens;
    }

    static SchedulerConfig scheduling(ModelConfig c) {
        return new SchedulerConfig(
                c.queueCapacity() != null ? c.queueCapacity() : SchedulerConfig.DEFAULT_QUEUE_CAPACITY,
                c.defaultTimeoutSeconds() != null ? Duration.ofSeconds(c.defaultTimeoutSeconds())
                        : SchedulerConfig.DEFAULT_TIMEOUT);
    }
}
