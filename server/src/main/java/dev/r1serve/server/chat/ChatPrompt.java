package dev.r1serve.server.chat;

import java.util.List;

/**
 * A rendered chat prompt: its text, and the same text cut into pieces that say where special-token
 * strings are the template's own markers ({@link Piece#markers()} true: tokenized as control tokens) and
 * where they came from message content (false: tokenized as plain text, so a user cannot forge a turn).
 */
public record ChatPrompt(String text, List<Piece> pieces) {

    public ChatPrompt {
        pieces = List.copyOf(pieces);
    }

    /** A prompt that is all template text (a raw prompt: special-token strings in it are markers). */
    public static ChatPrompt raw(String text) {
        return new ChatPrompt(text, List.of(new Piece(text, true)));
    }

    /** A run of prompt text; {@code markers} says whether special-token strings in it are control tokens. */
    public record Piece(String text, boolean markers) {}
}
