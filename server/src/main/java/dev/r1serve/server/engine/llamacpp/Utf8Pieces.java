package dev.r1serve.server.engine.llamacpp;

import dev.r1serve.server.engine.TokenLogprob;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of sampled tokens not yet passed on, with their ids. A token may end inside a UTF-8 character (byte
 * tokens, partial merges); such bytes are held until a later token completes the character, and then the text
 * and the ids of all the tokens behind it leave together, so each chunk's ids decode to exactly its text. The
 * tokens' log-probabilities, when kept, travel with their ids.
 */
final class Utf8Pieces {

    /** Text (malformed bytes replaced as Java's decoder does), the ids of the tokens behind it and their logprobs. */
    record Chunk(String text, int[] ids, List<TokenLogprob> logprobs) {}

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private int[] ids = new int[4];
    private int nIds;
    private final List<TokenLogprob> logprobs = new ArrayList<>();

    /** A token's bytes, its id and, when asked for, its log-probability (else null). */
    void append(byte[] piece, int id, TokenLogprob logprob) {
        if (logprob != null) {
            logprobs.add(logprob);
        }
        bytes.writeBytes(piece);
        if (nIds == ids.length) {
            ids = Arrays.copyOf(ids, nIds * 2);
        }
        ids[nIds++] = id;
    }

    /** Whether the bytes end inside a character (as llama.cpp's {@code validate_utf8} decides). */
    boolean holding() {
        byte[] b = bytes.toByteArray();
        for (int i = 1; i <= Math.min(4, b.length); i++) {
            int c = b[b.length - i] & 0xFF;
            if ((c & 0xC0) != 0x80) {
                int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                return need > i;
            }
        }
        return false;
    }

    Chunk take() {
        Chunk c = new Chunk(bytes.toString(StandardCharsets.UTF_8), Arrays.copyOf(ids, nIds), List.copyOf(logprobs));
        logprobs.clear();
        bytes.reset();
        nIds = 0;
        return c;
    }
}
