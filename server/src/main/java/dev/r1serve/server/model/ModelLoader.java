package dev.r1serve.server.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineProvider;
import dev.r1serve.server.engine.EngineProviders;
import dev.r1serve.server.scheduling.Scheduler;
import dev.r1serve.server.scheduling.SchedulerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Turns model configurations into hosted models: finds the engine's provider, binds the engine settings
 * to its options record, opens the engine, then picks the chat template and the scheduling defaults, which
 * are the same for every engine.
 */
public final class ModelLoader {

    private static final Logger LOG = Logger.getLogger(ModelLoader.class.getName());
    public static final int DEFAULT_MAX_TOKENS = 32768;
    private static final ObjectMapper BINDER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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

    /**
     * Checks a configuration without opening anything: the engine is known and its settings bind.
     *
     * @throws IllegalArgumentException naming the model and the setting
     */
    public static void check(ModelConfig c) {
        if (c == null || c.name() == null || c.name().isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        validate(c, provider(c));
        defaultMaxTokens(c);
    }

    private static <O> void validate(ModelConfig c, EngineProvider<O> provider) {
        provider.validate(c.name(), bind(c, provider));
    }

    public static HostedModel load(ModelConfig c) {
        check(c);
        return open(c, provider(c));
    }

    private static <O> HostedModel open(ModelConfig c, EngineProvider<O> provider) {
        O options = bind(c, provider);
        int defaultMaxTokens = defaultMaxTokens(c);
        SchedulerConfig scheduling = scheduling(c);
        Engine engine = provider.open(c.name(), options);
        ChatTemplate template;
        try {
            template = template(c, engine, provider.fallbackTemplate());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return new HostedModel(
                c.name(), provider.kind(), engine, template, defaultMaxTokens, new Scheduler(engine, scheduling));
    }

    private static EngineProvider<?> provider(ModelConfig c) {
        return EngineProviders.find(c.engineOrDefault())
                .orElseThrow(() ->
                        new IllegalArgumentException("model '" + c.name() + "': unknown engine '" + c.engineOrDefault()
                                + "' (expected one of " + String.join(", ", EngineProviders.kinds()) + ")"));
    }

    /** The model's engine settings as the provider's record; unknown keys and wrong types are named. */
    private static <O> O bind(ModelConfig c, EngineProvider<O> provider) {
        try {
            return BINDER.convertValue(c.options(), provider.optionsType());
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof UnrecognizedPropertyException u) {
                throw new IllegalArgumentException(
                        "model '" + c.name() + "': unknown setting '" + u.getPropertyName() + "' for engine "
                                + provider.kind() + " (known: " + u.getKnownPropertyIds() + ")",
                        e);
            }
            String why = e.getCause() instanceof com.fasterxml.jackson.core.JacksonException j
                    ? j.getOriginalMessage()
                    : e.getMessage();
            throw new IllegalArgumentException("model '" + c.name() + "': engine settings: " + why, e);
        }
    }

    /**
     * The chat template: a {@code chatTemplateFile}; else for {@code auto} (the default) the model's own
     * {@code tokenizer.chat_template}, else the built-in guessed from the engine's name for the model, else
     * the provider's fallback; else the named built-in. Templates get the engine's BOS (empty where the
     * engine adds it itself) and its EOS where it knows one.
     */
    static ChatTemplate template(ModelConfig c, Engine engine, ChatTemplate fallback) {
        ChatTemplate t;
        if (c.chatTemplateFile() != null) {
            Path file = Path.of(c.chatTemplateFile());
            try {
                t = ChatTemplate.fromJinja(file.getFileName().toString(), Files.readString(file), "", "");
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(
                        "model '" + c.name() + "': chatTemplateFile: cannot read " + file + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model '" + c.name() + "': chatTemplateFile: " + file
                        + " is not a usable Jinja chat template: " + e.getMessage());
            }
        } else if (c.template() == null || c.template().equals("auto")) {
            t = ownTemplate(c, engine).orElseGet(() -> {
                ChatTemplate guessed = ChatTemplate.guessFromName(engine.templateHint());
                return guessed == ChatTemplate.NONE ? fallback : guessed;
            });
        } else {
            try {
                t = ChatTemplate.byId(c.template());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model '" + c.name() + "': template: " + e.getMessage());
            }
        }
        return t.withSpecialTokens(engine.bosToken(), engine.eosToken().isEmpty() ? t.eosToken() : engine.eosToken());
    }

    private static Optional<ChatTemplate> ownTemplate(ModelConfig c, Engine engine) {
        return engine.chatTemplate().flatMap(source -> {
            try {
                return Optional.of(ChatTemplate.fromJinja("gguf", source, "", ""));
            } catch (IllegalArgumentException e) {
                // A template Jinjava cannot run (e.g. Python slices): serve with the guessed built-in instead.
                LOG.warning("model '" + c.name() + "': its tokenizer.chat_template cannot be rendered ("
                        + e.getMessage() + "); using the built-in template guessed from its name");
                return Optional.empty();
            }
        });
    }

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
                c.defaultTimeoutSeconds() != null
                        ? Duration.ofSeconds(c.defaultTimeoutSeconds())
                        : SchedulerConfig.DEFAULT_TIMEOUT);
    }
}
