package dev.r1serve.server.engine;

/** Why a sequence ended; mirrors the protocol's FinishReason. */
public enum FinishReason {
    /** A stop string was generated (and cut from the text). */
    STOP,
    /** max_tokens or the context was reached. */
    LENGTH,
    /** The model generated an end-of-generation token. */
    EOS,
    /** The caller cancelled, or its deadline passed. */
    CANCELLED,
    /** The engine failed on this sequence. */
    ERROR
}
