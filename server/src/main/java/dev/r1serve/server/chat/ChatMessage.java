package dev.r1serve.server.chat;

import java.util.Objects;

/** One turn of a chat: role ("system", "user" or "assistant") and text. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
