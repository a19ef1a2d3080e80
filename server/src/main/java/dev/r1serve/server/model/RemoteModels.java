package dev.r1serve.server.model;

import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.engine.remote.RemoteEngine;
import dev.r1serve.server.engine.remote.RemoteEngineOptions;
import dev.r1serve.server.engine.remote.RemoteEngineOptions.Protocol;
import dev.r1serve.server.scheduling.Scheduler;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Builds hosted models whose engine is a remote backend ({@code engine: openai} or {@code lmi}). */
final class RemoteModels {

    private RemoteModels() {}

    static HostedModel load(ModelConfig c) {
        Protocol protocol = switch (c.engine()) {
            case "lmi" -> Protocol.LMI;
            case "openai-chat" -> Protocol.OPENAI_CHAT;
            default -> Protocol.OPENAI;
        };
        if (c.urls() == null || c.urls().isEmpty()) {
            throw new IllegalArgumentException("model '" + c.name() + "': engine " + c.engine() + " needs 'urls'");
        }
        List<URI> urls;
        try {
            urls = c.urls().stream().map(URI::create).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + c.name() + "': bad URL in 'urls': " + e.getMessage(), e);
        }
        String backendModel = c.backendModel() != null ? c.backendModel() : c.name();
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
        if (c.apiKeyEnv() != null) {
            String key = System.getenv(c.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("model '" + c.name() + "': environment variable "
                        + c.apiKeyEnv() + " (apiKeyEnv) is not set");
            }
            o = o.withApiKey(key);
        }
        ChatTemplate template = c.template() == null || c.template().equals("auto")
                ? ChatTemplate.guessFromName(backendModel) : ChatTemplate.byId(c.template());
        // The backend's tokenizer adds BOS to the completions prompt itself.
        template = template.withSpecialTokens("", template.eosToken());
        RemoteEngine engine = new RemoteEngine(c.name(), o);
        return new HostedModel(c.name(), engine, template, c.engine() + ":" + String.join(",", c.urls()),
                ModelLoader.defaultMaxTokens(c), new Scheduler(engine, ModelLoader.scheduling(c)));
    }
}
