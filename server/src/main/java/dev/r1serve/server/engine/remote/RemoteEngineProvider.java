package dev.r1serve.server.engine.remote;

import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineProvider;
import dev.r1serve.server.engine.remote.RemoteEngineOptions.Protocol;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** {@code engine: openai}, {@code openai-chat} or {@code lmi}: a model served by GPU backends over HTTP. */
public final class RemoteEngineProvider implements EngineProvider<RemoteEngineConfig> {

    private final Protocol protocol;

    public RemoteEngineProvider(Protocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public String kind() {
        return protocol.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public Class<RemoteEngineConfig> optionsType() {
        return RemoteEngineConfig.class;
    }

    /** An unknown backend model gets no template: raw prompts only, unless the backend renders chats. */
    @Override
    public ChatTemplate fallbackTemplate() {
        return ChatTemplate.NONE;
    }

    @Override
    public void validate(String modelName, RemoteEngineConfig c) {
        if (c.urls() == null || c.urls().isEmpty()) {
            throw new IllegalArgumentException("model '" + modelName + "': engine " + kind() + " needs 'urls'");
        }
    }

    @Override
    public Engine open(String modelName, RemoteEngineConfig c) {
        validate(modelName, c);
        List<URI> urls;
        try {
            urls = c.urls().stream().map(URI::create).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + modelName + "': bad URL in 'urls': " + e.getMessage(), e);
        }
        String backendModel = c.backendModel() != null ? c.backendModel() : modelName;
        RemoteEngineOptions o = RemoteEngineOptions.of(protocol, urls, backendModel);
        if (c.slots() != null) {
            o = o.withMaxInFlight(c.slots());
        }
        if (c.contextLength() != null) {
            o = o.withContextLength(c.contextLength());
        }
        if (c.http2() != null) {
            o = o.withHttp2(c.http2());
        }
        if (c.idleTimeoutSeconds() != null) {
            o = o.withTimeouts(o.connectTimeout(), Duration.ofSeconds(c.idleTimeoutSeconds()));
        }
        if (c.retries() != null) {
            o = o.withRetries(c.retries());
        }
        if (c.tokenize() != null) {
            o = o.withTokenize(c.tokenize());
        }
        if (c.logprobsMode() != null) {
            o = o.withLogprobsMode(c.logprobsMode());
        }
        if (c.apiKeyEnv() != null) {
            String key = System.getenv(c.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException(
                        "model '" + modelName + "': environment variable " + c.apiKeyEnv() + " (apiKeyEnv) is not set");
            }
            o = o.withApiKey(key);
        }
        return new RemoteEngine(modelName, o);
    }
}
