package dev.r1serve.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One hosted model in the YAML configuration: the settings every model has, and the settings of its
 * engine, which that engine's provider binds to its own record ({@code LlamaCppConfig},
 * {@code RemoteEngineConfig}, ...; unknown keys are refused there, by name).
 *
 * <pre>
 * - name: r1-distill-qwen-1.5b
 *   engine: llama.cpp          # the default; openai | openai-chat | lmi | a plug-in's kind
 *   template: auto             # auto (the model's own tokenizer.chat_template, else guessed from the file
 *                              # or backend model name) | deepseek-r1 | qwen2.5 | llama3 | plain | none
 *   chatTemplateFile: t.jinja  # a Hugging Face Jinja chat template file (overrides template)
 *   defaultMaxTokens: 32768    # used when a request has no max_tokens (bounded by the context)
 *   queueCapacity: 256         # sequences that may wait for a slot; beyond: RESOURCE_EXHAUSTED
 *   defaultTimeoutSeconds: 1800 # deadline of calls that come without one
 *   options:                   # the engine's own settings (see its provider's config record)
 *     path: /models/DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf
 *     contextLength: 8192
 * </pre>
 *
 * Engine settings may also stand beside the common ones, as shorthand ({@code path: stories260k}).
 *
 * @param options the engine's settings, as parsed from YAML
 */
public record ModelConfig(
        String name,
        String engine,
        String template,
        String chatTemplateFile,
        Integer defaultMaxTokens,
        Integer queueCapacity,
        Integer defaultTimeoutSeconds,
        Map<String, Object> options) {

    private static final Set<String> COMMON = Set.of(
            "name",
            "engine",
            "template",
            "chatTemplateFile",
            "defaultMaxTokens",
            "queueCapacity",
            "defaultTimeoutSeconds",
            "options");

    public ModelConfig {
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** From a YAML mapping: the common keys, then {@code options} and any other key as engine settings. */
    @JsonCreator
    public static ModelConfig fromYaml(Map<String, Object> yaml) {
        Map<String, Object> engineOptions = new LinkedHashMap<>();
        Object nested = yaml.get("options");
        if (nested instanceof Map<?, ?> m) {
            m.forEach((k, v) -> engineOptions.put(String.valueOf(k), v));
        } else if (nested != null) {
            throw new IllegalArgumentException("options must be a mapping of the engine's settings");
        }
        yaml.forEach((k, v) -> {
            if (!COMMON.contains(k) && engineOptions.putIfAbsent(k, v) != null) {
                throw new IllegalArgumentException("'" + k + "' is set both beside and under options");
            }
        });
        return new ModelConfig(
                text(yaml, "name"),
                text(yaml, "engine"),
                text(yaml, "template"),
                text(yaml, "chatTemplateFile"),
                number(yaml, "defaultMaxTokens"),
                number(yaml, "queueCapacity"),
                number(yaml, "defaultTimeoutSeconds"),
                engineOptions);
    }

    private static String text(Map<String, Object> yaml, String key) {
        Object v = yaml.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new IllegalArgumentException(key + " must be a string, got " + v);
    }

    private static Integer number(Map<String, Object> yaml, String key) {
        Object v = yaml.get(key);
        if (v == null || v instanceof Integer) {
            return (Integer) v;
        }
        throw new IllegalArgumentException(key + " must be an integer, got " + v);
    }

    /** The engine kind, {@code llama.cpp} when unset. */
    public String engineOrDefault() {
        return engine == null ? "llama.cpp" : engine;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A llama.cpp model from a GGUF file or a built-in name, with defaults for the rest. */
    public static ModelConfig of(String name, String path) {
        return builder(name).option("path", path).build();
    }

    /** A llama.cpp model with the given settings (nulls take defaults). */
    public static ModelConfig llamaCpp(
            String name, String path, String template, Integer contextLength, Integer slots, Integer threads) {
        return builder(name)
                .template(template)
                .option("path", path)
                .option("contextLength", contextLength)
                .option("slots", slots)
                .option("threads", threads)
                .build();
    }

    /** A model served by a remote backend ({@code engine} openai, openai-chat or lmi) with defaults for the rest. */
    public static ModelConfig remote(
            String name,
            String engine,
            List<String> urls,
            String backendModel,
            String template,
            Integer contextLength,
            Integer slots) {
        return builder(name)
                .engine(engine)
                .template(template)
                .option("urls", urls)
                .option("backendModel", backendModel)
                .option("contextLength", contextLength)
                .option("slots", slots)
                .build();
    }

    /** The same model with a Jinja chat template file ({@code --chat-template}). */
    public ModelConfig withChatTemplateFile(String file) {
        return new ModelConfig(
                name, engine, template, file, defaultMaxTokens, queueCapacity, defaultTimeoutSeconds, options);
    }

    /** Builds a model configuration as the YAML would; null values are left unset. */
    public static final class Builder {
        private final String name;
        private String engine;
        private String template;
        private String chatTemplateFile;
        private Integer defaultMaxTokens;
        private Integer queueCapacity;
        private Integer defaultTimeoutSeconds;
        private final Map<String, Object> options = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder engine(String v) {
            engine = v;
            return this;
        }

        public Builder template(String v) {
            template = v;
            return this;
        }

        public Builder chatTemplateFile(String v) {
            chatTemplateFile = v;
            return this;
        }

        public Builder defaultMaxTokens(Integer v) {
            defaultMaxTokens = v;
            return this;
        }

        public Builder queueCapacity(Integer v) {
            queueCapacity = v;
            return this;
        }

        public Builder defaultTimeoutSeconds(Integer v) {
            defaultTimeoutSeconds = v;
            return this;
        }

        /** An engine setting; a null value leaves it unset. */
        public Builder option(String key, Object value) {
            if (value != null) {
                options.put(key, value);
            }
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(
                    name,
                    engine,
                    template,
                    chatTemplateFile,
                    defaultMaxTokens,
                    queueCapacity,
                    defaultTimeoutSeconds,
                    options);
        }
    }
}
