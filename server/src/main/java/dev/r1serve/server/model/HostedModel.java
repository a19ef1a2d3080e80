package dev.r1serve.server.model;

import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.scheduling.Scheduler;

/**
 * A model the server hosts: its engine, its chat template and its defaults.
 *
 * @param source where the weights came from (a path or a URL), for ListModels
 * @param defaultMaxTokens max_tokens for requests that do not set it
 * @param scheduler admission and ordering in front of the engine
 */
public record HostedModel(String name, Engine engine, ChatTemplate template, String source, int defaultMaxTokens,
                          Scheduler scheduler) {}
