package dev.r1serve.server.gguf;

import java.util.HashMap;
import java.util.Map;

/**
 * GPT-2's byte-to-unicode alphabet, in which byte-level BPE vocabularies ({@code tokenizer.ggml.model =
 * "gpt2"}) store their token strings and merges.
 */
public final class ByteLevel {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

    static {
        // GPT-2's bytes_to_unicode: printable latin-1 bytes map to themselves, the rest to U+0100 onwards.
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + next++);
            CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
        }
    }

    private ByteLevel() {}

    /** The character that stands for one byte. */
    public static char charOf(byte b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** GPT-2 byte-level form of raw bytes, as token strings are stored. */
    public static String encodeBytes(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }

    /** Inverse of {@link #encodeBytes}; fails on characters outside the byte-level alphabet. */
    public static byte[] decodeBytes(String tokenString) {
        byte[] out = new byte[tokenString.length()];
        for (int i = 0; i < out.length; i++) {
            Integer b = CHAR_TO_BYTE.get(tokenString.charAt(i));
            if (b == null) {
                throw new IllegalArgumentException("not a byte-level token string: " + tokenString);
            }
            out[i] = (byte) (int) b;
        }
        return out;
    }
}
