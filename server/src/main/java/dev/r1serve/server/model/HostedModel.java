package dev.r1serve.server.model;

import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.scheduling.Scheduler;

/**
 * A model the server hosts: its engine, its chat template and its defaults.
 *
 * @param kind the engine's kind, as its provider names it ({@code llama.cpp}, {@code openai}, ...)
 * @param defaultMaxTokens max_tokens for requests that do not set it
 * @param scheduler admission and ordering in front of the engine
 */
public record HostedModel(
        String name, String kind, Engine engine, ChatTemplate template, int defaultMaxTokens, Scheduler scheduler) {

    /** Where the weights came from (a path or URLs), for ListModels. */
    public String source() {
        return engine.source();
    }
}
