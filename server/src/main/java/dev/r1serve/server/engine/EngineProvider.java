package dev.r1serve.server.engine;

import dev.r1serve.server.chat.ChatTemplate;

/**
 * Makes engines of one kind: the plug-in point. A provider names its kind ({@code engine:} in the model's
 * YAML), the record its options bind to (the model's engine settings, unknown keys refused), and opens an
 * engine for a model. Providers are registered in {@link EngineProviders}: the built-ins there, others
 * through {@link java.util.ServiceLoader} ({@code META-INF/services/dev.r1serve.server.engine.EngineProvider}).
 *
 * <p>Everything all engines need (stop strings, holding back partial stops, LENGTH vs EOS, the prompt's
 * length against the context, finishing exactly once, timeouts, metrics) is done above the engine, once.
 *
 * @param <O> the engine's options record, bound from YAML with Jackson
 */
public interface EngineProvider<O> {

    /** The {@code engine:} value that selects this provider, e.g. "llama.cpp". */
    String kind();

    /** The record the model's engine options bind to. */
    Class<O> optionsType();

    /**
     * Checks settings without opening anything (when the configuration is read); mistakes are
     * IllegalArgumentExceptions whose message names the setting.
     */
    default void validate(String modelName, O options) {}

    /**
     * Opens the engine for model {@code modelName}; configuration mistakes are IllegalArgumentExceptions
     * whose message names the setting.
     */
    Engine open(String modelName, O options);

    /** The chat template for {@code template: auto} when the engine has none and its name suggests none. */
    default ChatTemplate fallbackTemplate() {
        return ChatTemplate.PLAIN;
    }
}
