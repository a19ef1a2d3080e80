package dev.r1serve.server.gguf;

/** Token types as llama.cpp reads {@code tokenizer.ggml.token_type}. */
public final class TokenType {

    public static final int NORMAL = 1;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;

    private TokenType() {}
}
